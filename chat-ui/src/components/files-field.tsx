import { use } from 'react';
import { AttachmentsContext } from '../attachments-context.ts';
import { formatBytes } from '../format-bytes.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';
import type { FieldEditorProps } from './step-field.tsx';

/** The attached files an upload step sets, ticked among the conversation's attachments. */
export function FilesField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  const attachments = use(AttachmentsContext);
  const chosen = Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  // A file the plan names may have been removed from the conversation since: it stays listed, so it can be unticked.
  const gone = chosen.filter((id) => !attachments.some((attachment) => attachment.id === id));
  const toggle = (id: string, on: boolean) => onChange(on ? [...chosen, id] : chosen.filter((candidate) => candidate !== id));

  return (
    <fieldset className="step-field step-field--files" aria-describedby={ids.describedBy}>
      <legend>{spec.label}</legend>
      {attachments.length === 0 && gone.length === 0 && <p className="step-field-hint">No files are attached to this conversation yet: attach them under the message box.</p>}
      {attachments.map((attachment) => (
        <label key={attachment.id} className="step-field-check">
          <input type="checkbox" checked={chosen.includes(attachment.id)} onChange={(event) => toggle(attachment.id, event.target.checked)} />
          {attachment.name} <span className="step-field-hint">{formatBytes(attachment.bytes)}</span>
        </label>
      ))}
      {gone.map((id) => (
        <label key={id} className="step-field-check">
          <input type="checkbox" checked onChange={() => toggle(id, false)} />A file no longer attached
        </label>
      ))}
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </fieldset>
  );
}
