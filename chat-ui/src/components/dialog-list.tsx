import type { DialogRecord } from '../../../protocol/index.ts';
import { describeDialog } from '../step-browser-events.ts';

/** The dialogs the page opened during a step, in order, and how each was answered. */
export function DialogList({ dialogs }: { dialogs: readonly DialogRecord[] }) {
  return (
    <figure className="step-output" data-testid="step-dialogs">
      <figcaption>{dialogs.length === 1 ? 'A dialog opened' : `${dialogs.length} dialogs opened`}</figcaption>
      <ul className="output-list">
        {dialogs.map((dialog, index) => (
          <li key={index}>{describeDialog(dialog)}</li>
        ))}
      </ul>
    </figure>
  );
}
