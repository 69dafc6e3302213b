import { useState } from 'react';
import { BROWSER_FIELDS } from '../browser-options.ts';
import type { BrowserCheck, BrowserDraft } from '../browser-options.ts';
import { StepField } from './step-field.tsx';

type BrowserOptionsEditorProps = {
  draft: BrowserDraft;
  check: BrowserCheck;
  /** Open from the start: the plan sets options already. */
  initiallyOpen: boolean;
  onChange(draft: BrowserDraft): void;
};

/** The plan's browser options in the plan editor: window size, locale, time zone and saved sessions, folded away unless used. */
export function BrowserOptionsEditor({ draft, check, initiallyOpen, onChange }: BrowserOptionsEditorProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const problems = check.ok ? {} : check.problems;
  return (
    // Opens by itself when a field in it needs fixing, so the problem is not hidden, and stays open once fixed.
    <details className="browser-editor" open={open || !check.ok} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Browser: window size, locale, time zone, saved session</summary>
      {BROWSER_FIELDS.map((spec) => (
        <StepField key={spec.name} spec={spec} value={draft[spec.name]} problem={problems[spec.name]} onChange={(value) => onChange({ ...draft, [spec.name]: value })} />
      ))}
    </details>
  );
}
