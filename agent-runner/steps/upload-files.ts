import { describeTarget, type StepOfType } from '../../protocol/index.ts';
import { remainingMs, resolve, type StepContext } from './step-context.ts';
import { StepError } from './step-error.ts';

/**
 * Sets the conversation's attached files on a file input. The target may also be the input's
 * `<label>` (Playwright sets the files on the control the label is for).
 */
export async function uploadFiles(step: StepOfType<'upload'>, context: StepContext): Promise<void> {
  const { attachment } = context;
  if (!attachment) throw new StepError('action-failed', 'This runner cannot fetch attached files: it has no server to fetch them from');
  const input = await resolve(step.target, 'upload', context);
  const kind = await input.evaluate(
    (element) => {
      const control = element instanceof HTMLLabelElement ? element.control : element;
      if (!(control instanceof HTMLInputElement) || control.type !== 'file') return 'not-a-file-input';
      return control.multiple ? 'multiple' : 'single';
    },
    undefined,
    { timeout: remainingMs(context) },
  );
  const target = describeTarget(step.target);
  if (kind === 'not-a-file-input') throw new StepError('action-failed', `${target} is not a file input (<input type="file">)`);
  if (kind === 'single' && step.files.length > 1) {
    throw new StepError('action-failed', `${target} takes one file, and the step has ${step.files.length}`);
  }
  const files = await Promise.all(step.files.map((id) => attachment(id)));
  await input.setInputFiles(files, { timeout: remainingMs(context) });
}
