const SAFE_HTML = Symbol('safe-html');

/** Markup that is safe to send: built by `html`, which escapes every interpolated string. */
export type SafeHtml = { readonly [SAFE_HTML]: string };
type Interpolation = SafeHtml | string | number | false | undefined | readonly Interpolation[];

/**
 * Builds markup from a template, escaping every interpolated string, so a value reflected from a
 * request (an email, a search query) can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, index) => {
    markup += render(value) + strings[index + 1]!;
  });
  return { [SAFE_HTML]: markup };
}

/** Marks text we wrote ourselves (a stylesheet, a script) as markup. Never pass request data. */
export function trusted(markup: string): SafeHtml {
  return { [SAFE_HTML]: markup };
}

export function toHtmlString(markup: SafeHtml): string {
  return markup[SAFE_HTML];
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function render(value: Interpolation): string {
  if (value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  if (isList(value)) return value.map(render).join('');
  return value[SAFE_HTML];
}

function isList(value: Interpolation): value is readonly Interpolation[] {
  return Array.isArray(value);
}
