import { describeTarget, type StepOfType } from '../../protocol/index.ts';
import { remainingMs, resolve, type StepContext } from './step-context.ts';
import { StepError } from './step-error.ts';

/** Option labels listed when a `select` step names an option that does not exist. */
const MAX_LISTED_OPTIONS = 10;

type Match = { by: 'label' | 'value'; wanted: string };
type Examined =
  | { kind: 'not-a-list' }
  | { kind: 'single'; count: number }
  | { kind: 'missing'; missing: string[]; labels: string[] }
  | { kind: 'found'; matches: Match[] };

/**
 * Chooses the step's option (or options, in a list that allows several) in a `<select>`, each
 * matched by its label, then by its value. Fails naming what is missing, and what the list offers.
 */
export async function selectOptions(step: StepOfType<'select'>, context: StepContext): Promise<void> {
  const list = await resolve(step.target, 'select', context);
  const wanted = typeof step.option === 'string' ? [step.option] : step.option;
  const examined = await list.evaluate(
    (element, wanted): Examined => {
      if (!(element instanceof HTMLSelectElement)) return { kind: 'not-a-list' };
      if (wanted.length > 1 && !element.multiple) return { kind: 'single', count: wanted.length };
      const options = [...element.options];
      const matches: Match[] = [];
      const missing: string[] = [];
      for (const one of wanted) {
        if (options.some((option) => option.label === one)) matches.push({ by: 'label', wanted: one });
        else if (options.some((option) => option.value === one)) matches.push({ by: 'value', wanted: one });
        else missing.push(one);
      }
      return missing.length > 0 ? { kind: 'missing', missing, labels: options.map((option) => option.label) } : { kind: 'found', matches };
    },
    wanted,
    { timeout: remainingMs(context) },
  );
  const target = describeTarget(step.target);
  switch (examined.kind) {
    case 'not-a-list':
      throw new StepError('action-failed', `${target} is not a drop-down list (<select>)`);
    case 'single':
      throw new StepError('action-failed', `${target} allows only one choice, and the step asks for ${examined.count}`);
    case 'missing': {
      const listed = examined.labels.slice(0, MAX_LISTED_OPTIONS).map(quote);
      if (examined.labels.length > MAX_LISTED_OPTIONS) listed.push('…');
      const offers = listed.length === 0 ? 'it has no options' : `it offers ${listed.join(', ')}`;
      throw new StepError('action-failed', `${target} has no option labelled or valued ${examined.missing.map(quote).join(' or ')}; ${offers}`);
    }
    case 'found':
      await list.selectOption(
        examined.matches.map((match) => ({ [match.by]: match.wanted })),
        { timeout: remainingMs(context), signal: context.signal },
      );
  }
}

function quote(text: string): string {
  return `"${text}"`;
}
