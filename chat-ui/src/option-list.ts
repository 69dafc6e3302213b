/** A select step's options as the editor shows them: one per line. */
export function formatOptionList(option: unknown): string {
  if (typeof option === 'string') return option;
  return Array.isArray(option) ? option.filter((item) => typeof item === 'string').join('\n') : '';
}

/**
 * The options typed one per line, blank lines left out. One option stays a string, as a dropdown
 * that takes one wants; several are a list. Nothing typed is '', which the step's check calls missing.
 */
export function parseOptionList(text: string): string | string[] {
  const options = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (options.length === 0) return '';
  return options.length === 1 ? options[0]! : options;
}
