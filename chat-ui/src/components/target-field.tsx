import { ARIA_ROLES } from '../../../protocol/index.ts';
import { isRecord } from '../plan-draft.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';
import type { FieldEditorProps } from './step-field.tsx';

type Way = 'any' | 'role' | 'label' | 'placeholder' | 'text' | 'selector';

const WAYS: { value: Way; label: string }[] = [
  { value: 'any', label: 'Any match' },
  { value: 'role', label: 'By role and name' },
  { value: 'label', label: 'By label' },
  { value: 'placeholder', label: 'By placeholder' },
  { value: 'text', label: 'By visible text' },
  { value: 'selector', label: 'By CSS selector' },
];

/**
 * An element a step acts on. "Any match" is text the runner tries as a role's name, a label, a
 * placeholder, visible text and a CSS selector, in that order, in the page and then its frames;
 * the other ways pin one of them, and may name the frame to look in.
 */
export function TargetField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  const way = wayOf(value);
  const text = textOf(value);
  const role = isRecord(value) && typeof value.role === 'string' ? value.role : 'button';
  const frame = isRecord(value) && typeof value.frame === 'string' ? value.frame : '';
  const change = (next: Partial<TargetParts>) => onChange(targetFrom({ way, text, role, frame, ...next }, spec.optional === true));

  return (
    <div className="step-field step-field--target">
      <label htmlFor={ids.id}>{spec.label}</label>
      <div className="target-inputs">
        <select aria-label={`How to find: ${spec.label}`} value={way} onChange={(event) => change({ way: event.target.value as Way })}>
          {WAYS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {way === 'role' && (
          <select aria-label={`Role: ${spec.label}`} value={role} onChange={(event) => change({ role: event.target.value })}>
            {ARIA_ROLES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
        <input
          id={ids.id}
          type="text"
          value={text}
          placeholder={way === 'any' ? 'Its text, label, name or a CSS selector' : undefined}
          aria-invalid={problem ? true : undefined}
          aria-describedby={ids.describedBy}
          onChange={(event) => change({ text: event.target.value })}
        />
        {way !== 'any' && (
          <label className="target-frame">
            In the frame
            <input
              type="text"
              aria-label={`In the frame: ${spec.label}`}
              value={frame}
              placeholder="Only inside an iframe: its CSS selector, e.g. #checkout >> iframe.card"
              onChange={(event) => change({ frame: event.target.value })}
            />
          </label>
        )}
      </div>
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </div>
  );
}

function wayOf(target: unknown): Way {
  if (!isRecord(target)) return 'any';
  return WAYS.find((option) => option.value === target.by)?.value ?? 'any';
}

/** The text the person typed for a target, whichever way it is found. */
function textOf(target: unknown): string {
  if (typeof target === 'string') return target;
  if (!isRecord(target)) return '';
  const text = target.by === 'role' ? target.name : target[String(target.by)];
  return typeof text === 'string' ? text : '';
}

type TargetParts = { way: Way; text: string; role: string; frame: string };

/** The target the inputs describe; a frame goes only with the ways that pin one strategy, as in the protocol. */
function targetFrom({ way, text, role, frame }: TargetParts, optional: boolean): unknown {
  if (way === 'any') return optional && text === '' ? undefined : text;
  const inFrame = frame === '' ? {} : { frame };
  return way === 'role' ? { by: 'role', role, name: text, ...inFrame } : { by: way, [way]: text, ...inFrame };
}
