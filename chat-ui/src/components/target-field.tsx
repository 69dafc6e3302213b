import { useId } from 'react';
import { ARIA_ROLES } from '../../../protocol/index.ts';
import { FieldProblem, describedBy } from './field-problem.tsx';
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
 * placeholder, visible text and a CSS selector, in that order; the other ways pin one of them.
 */
export function TargetField({ spec, value, problem, onChange }: FieldEditorProps) {
  const id = useId();
  const problemId = useId();
  const way = wayOf(value);
  const text = textOf(value);
  const role = isRecord(value) && typeof value.role === 'string' ? value.role : 'button';
  const change = (next: { way?: Way; text?: string; role?: string }) =>
    onChange(targetFrom(next.way ?? way, next.text ?? text, next.role ?? role, spec.optional === true));

  return (
    <div className="step-field step-field--target">
      <label htmlFor={id}>{spec.label}</label>
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
          id={id}
          type="text"
          value={text}
          placeholder={way === 'any' ? 'Its text, label, name or a CSS selector' : undefined}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy(problem && problemId)}
          onChange={(event) => change({ text: event.target.value })}
        />
      </div>
      <FieldProblem id={problemId} problem={problem} />
    </div>
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
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

function targetFrom(way: Way, text: string, role: string, optional: boolean): unknown {
  switch (way) {
    case 'any':
      return optional && text === '' ? undefined : text;
    case 'role':
      return { by: 'role', role, name: text };
    default:
      return { by: way, [way]: text };
  }
}
