import { describe, expect, it } from 'vitest';
import { checkStep } from './plan-draft.ts';
import { formatOptionList, parseOptionList } from './option-list.ts';

describe('option lists', () => {
  it.each<[string, string | string[]]>([
    ['Team', 'Team'],
    ['Bangladesh\nGuam', ['Bangladesh', 'Guam']],
    ['Bangladesh\r\n\r\n  \nGuam\n', ['Bangladesh', 'Guam']],
    ['Washington, D.C.', 'Washington, D.C.'],
    ['  Team  ', '  Team  '],
    ['', ''],
    ['\n \n', ''],
  ])('reads %j', (text, option) => {
    expect(parseOptionList(text)).toEqual(option);
  });

  it('shows one option or a list one per line, and reads back what it shows', () => {
    for (const option of ['Team', ['Bangladesh', 'Guam', 'Washington, D.C.']]) expect(parseOptionList(formatOptionList(option))).toEqual(option);
    expect(formatOptionList(undefined)).toBe('');
  });

  it('gives a select step what the protocol takes, and nothing typed is a field to fill in', () => {
    expect(checkStep({ type: 'select', target: 'Countries', option: parseOptionList('Bangladesh\nGuam') })).toEqual({
      ok: true,
      step: { type: 'select', target: 'Countries', option: ['Bangladesh', 'Guam'] },
    });
    expect(checkStep({ type: 'select', target: 'Countries', option: parseOptionList('') })).toEqual({ ok: false, problems: { fields: { option: 'Fill this in.' } } });
  });
});
