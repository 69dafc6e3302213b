import { describe, expect, it } from 'vitest';
import { blankStep, checkStep, moveItem, setField } from './plan-draft.ts';
import type { StepFields } from './plan-draft.ts';

describe('checkStep', () => {
  it('passes a valid step as the protocol parses it', () => {
    expect(checkStep({ type: 'fill', target: ' Email ', value: '' })).toEqual({ ok: true, step: { type: 'fill', target: 'Email', value: '' } });
  });

  it('says what is wrong next to each field, in words for people', () => {
    expect(checkStep({ type: 'goto', url: 'example' })).toEqual({ ok: false, problems: { fields: { url: 'Enter a full address, starting with http:// or https://.' } } });
    expect(checkStep({ type: 'click', target: '' })).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.' } } });
    expect(checkStep({ type: 'click', target: { by: 'role', role: 'button', name: '' } })).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.' } } });
    expect(checkStep({ type: 'click', target: 'Go', timeoutMs: 50 })).toEqual({ ok: false, problems: { fields: { timeoutMs: 'Use at least 100.' } } });
    expect(checkStep({ type: 'wait', ms: 1.5 })).toEqual({ ok: false, problems: { fields: { ms: 'Use a whole number.' } } });
  });

  it('reports a rule about the whole step apart from its fields', () => {
    expect(checkStep({ type: 'wait' })).toEqual({ ok: false, problems: { fields: {}, step: 'A wait step needs exactly one of "text" or "ms".' } });
  });

  it('starts a new step with sensible values where there are some, and empty the fields the person must fill', () => {
    for (const type of ['wait', 'press', 'screenshot'] as const) expect(checkStep(blankStep(type)).ok).toBe(true);
    expect(checkStep(blankStep('select'))).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.', option: 'Fill this in.' } } });
  });
});

describe('editing steps', () => {
  it('sets a field, and leaves it out when set to undefined', () => {
    const step: StepFields = { type: 'screenshot', fullPage: true };
    expect(setField(step, 'fullPage', undefined)).toEqual({ type: 'screenshot' });
    expect(setField(step, 'timeoutMs', 500)).toEqual({ type: 'screenshot', fullPage: true, timeoutMs: 500 });
    expect(step).toEqual({ type: 'screenshot', fullPage: true });
  });

  it('moves a step up or down, and not past either end', () => {
    expect(moveItem(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});
