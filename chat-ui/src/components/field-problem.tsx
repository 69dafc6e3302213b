/** What is wrong with a field, beneath it; the field names it in its `aria-describedby`. */
export function FieldProblem({ id, problem }: { id: string; problem: string | undefined }) {
  if (!problem) return null;
  return (
    <p id={id} className="field-error">
      {problem}
    </p>
  );
}

/** An `aria-describedby` value from the ids of the descriptions a field has now. */
export function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return present.length === 0 ? undefined : present.join(' ');
}
