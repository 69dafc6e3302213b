import { useId } from 'react';
import { FieldProblem, describedBy } from './field-problem.tsx';

export type FieldIds = { id: string; hintId: string; problemId: string; describedBy: string | undefined };

/** Ids that tie a field's input to its hint and to what is wrong with it. */
export function useFieldIds(hint: string | undefined, problem: string | undefined): FieldIds {
  const id = useId();
  const hintId = useId();
  const problemId = useId();
  return { id, hintId, problemId, describedBy: describedBy(hint && hintId, problem && problemId) };
}

/** What goes beneath a field's input: its hint, then what is wrong with it. */
export function FieldNotes({ ids, hint, problem }: { ids: FieldIds; hint: string | undefined; problem: string | undefined }) {
  return (
    <>
      {hint && (
        <p id={ids.hintId} className="step-field-hint">
          {hint}
        </p>
      )}
      <FieldProblem id={ids.problemId} problem={problem} />
    </>
  );
}
