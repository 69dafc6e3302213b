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
    expect(checkStep(blankStep('agent'))).toEqual({ ok: false, problems: { fields: { task: 'Fill this in.' } } });
  });

  it('starts the steps that need no element with a sensible value, and the others with the element empty', () => {
    for (const type of ['scroll', 'switchTab', 'closeTab'] as const) expect(checkStep(blankStep(type)).ok).toBe(true);
    for (const type of ['hover', 'check', 'uncheck'] as const) {
      expect(checkStep(blankStep(type))).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.' } } });
    }
    expect(checkStep(blankStep('waitForUrl'))).toEqual({ ok: false, problems: { fields: { contains: 'Fill this in.' } } });
    expect(checkStep(blankStep('upload'))).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.', files: 'Choose at least one.' } } });
  });

  it('checks the fields new in the protocol: dialogs, frames, scrolling and tabs', () => {
    expect(checkStep({ type: 'click', target: 'Delete', dialog: 'dismiss' })).toEqual({ ok: true, step: { type: 'click', target: 'Delete', dialog: 'dismiss' } });
    expect(checkStep({ type: 'click', target: 'Rename', dialog: { text: 'Q3' } }).ok).toBe(true);
    expect(checkStep({ type: 'click', target: { by: 'selector', selector: '#pay', frame: '' } })).toEqual({ ok: false, problems: { fields: { target: 'Fill this in.' } } });
    expect(checkStep({ type: 'scroll', to: 'top', by: { x: 0, y: 500 } })).toEqual({
      ok: false,
      problems: { fields: {}, step: 'A scroll step needs exactly one of "target", "to" or "by".' },
    });
    expect(checkStep({ type: 'switchTab', to: 0 })).toEqual({ ok: false, problems: { fields: { to: 'Use at least 1.' } } });
  });

  it('starts an extract step with neither an element nor an instruction, so either can be filled in', () => {
    expect(checkStep(blankStep('extract'))).toEqual({ ok: false, problems: { fields: {}, step: 'An extract step needs exactly one of "target" or "instruction".' } });
    expect(checkStep(setField(blankStep('extract'), 'instruction', 'the price'))).toEqual({ ok: true, step: { type: 'extract', instruction: 'the price' } });
    expect(checkStep(setField(blankStep('extract'), 'target', 'Price'))).toEqual({ ok: true, step: { type: 'extract', target: 'Price' } });
  });
});

describe('editing an extract step with a shape', () => {
  const shape = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } } } as const;
  const step: StepFields = { type: 'extract', instruction: 'name and price of each product', shape };

  it('keeps the shape as it was while other fields change', () => {
    const edited = setField(setField(step, 'instruction', 'name and price of each lamp'), 'timeoutMs', 5000);
    expect(checkStep(edited)).toEqual({ ok: true, step: { type: 'extract', instruction: 'name and price of each lamp', shape, timeoutMs: 5000 } });
  });

  it('leaves the shape out once the step reads an element instead, and keeps it in the draft', () => {
    const byElement = setField(setField(step, 'instruction', undefined), 'target', 'Price');
    expect(checkStep(byElement)).toEqual({ ok: true, step: { type: 'extract', target: 'Price' } });
    const back = setField(setField(byElement, 'target', undefined), 'instruction', 'the price');
    expect(checkStep(back)).toEqual({ ok: true, step: { type: 'extract', instruction: 'the price', shape } });
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
