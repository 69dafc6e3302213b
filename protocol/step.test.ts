import { describe, expect, it } from 'vitest';
import { describeStep } from './describe-step.ts';
import { PlanStepsSchema, StepSchema } from './step.ts';

describe('StepSchema', () => {
  it.each([
    { type: 'goto', url: 'http://localhost:3000/demo/login' },
    { type: 'goto', url: 'http://127.0.0.1:8080/' },
    { type: 'goto', url: 'https://intranet/page' },
    { type: 'click', target: 'Sign in' },
    { type: 'click', target: { by: 'role', role: 'button', name: 'Sign in' }, timeoutMs: 5000 },
    { type: 'fill', target: { by: 'label', label: 'Email' }, value: '' },
    { type: 'press', key: 'Control+A' },
    { type: 'select', target: 'Plan', option: 'Team' },
    { type: 'wait', text: 'Saved' },
    { type: 'wait', ms: 1500 },
    { type: 'extract', target: { by: 'selector', selector: '#price' } },
    { type: 'screenshot', fullPage: true },
    { type: 'assert', text: 'Welcome' },
  ])('accepts $type %#', (step) => {
    expect(StepSchema.parse(step)).toEqual(step);
  });

  it.each([
    ['a non-web URL', { type: 'goto', url: 'javascript:alert(1)' }, 'url'],
    ['a file URL', { type: 'goto', url: 'file:///etc/passwd' }, 'url'],
    ['an unknown step type', { type: 'teleport' }, 'type'],
    ['an unknown field', { type: 'click', target: 'x', force: true }, ''],
    ['an unknown role', { type: 'click', target: { by: 'role', role: 'wizard', name: 'x' } }, 'target'],
    ['an empty target', { type: 'click', target: '   ' }, 'target'],
    ['a wait with both text and time', { type: 'wait', text: 'x', ms: 5 }, ''],
    ['a wait with neither', { type: 'wait' }, ''],
    ['a key with spaces', { type: 'press', key: 'Enter now' }, 'key'],
    ['a timeout beyond two minutes', { type: 'click', target: 'x', timeoutMs: 120_001 }, 'timeoutMs'],
  ])('rejects %s', (_name, step, path) => {
    const result = StepSchema.safeParse(step);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('bounds a plan to 1..100 steps', () => {
    expect(PlanStepsSchema.safeParse([]).success).toBe(false);
    expect(PlanStepsSchema.safeParse(Array.from({ length: 101 }, () => ({ type: 'screenshot' }))).success).toBe(false);
  });
});

describe('describeStep', () => {
  it.each([
    [{ type: 'goto', url: 'https://example.com/' }, 'Go to https://example.com/'],
    [{ type: 'fill', target: 'Email', value: 'a@b.c' }, 'Type "a@b.c" into "Email"'],
    [{ type: 'click', target: { by: 'role', role: 'link', name: 'Docs' } }, 'Click the link "Docs"'],
    [{ type: 'press', key: 'Enter', target: 'Search' }, 'Press Enter in "Search"'],
    [{ type: 'wait', ms: 2000 }, 'Wait 2 seconds'],
    [{ type: 'wait', ms: 1500 }, 'Wait 1500 ms'],
    [{ type: 'extract', target: { by: 'selector', selector: '#price' } }, 'Read the text of the element #price'],
    [{ type: 'screenshot', fullPage: true }, 'Take a full-page screenshot'],
  ] as const)('%j reads "%s"', (step, sentence) => {
    expect(describeStep(StepSchema.parse(step))).toBe(sentence);
  });
});
