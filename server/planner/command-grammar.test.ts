import { describe, expect, it } from 'vitest';
import type { Step } from '../../protocol/index.ts';
import { commandExamples } from '../../protocol/index.ts';
import { commandHelp, parseCommands } from './command-grammar.ts';
import { click, errorOf, goto, stepsOf } from './command-testing.ts';

describe('parseCommands: accepted input', () => {
  it('reads the canonical login example exactly', () => {
    expect(
      stepsOf(
        'go to http://localhost:3000/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", click "Sign in", then take a screenshot',
      ),
    ).toEqual([
      { type: 'goto', url: 'http://localhost:3000/demo/login' },
      { type: 'fill', target: 'Email', value: 'alice@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'click', target: 'Sign in' },
      { type: 'screenshot' },
    ]);
  });

  it('gives local hosts http://', () => {
    expect(stepsOf('open localhost:3000/demo, visit 127.0.0.1:8080')).toEqual([
      { type: 'goto', url: 'http://localhost:3000/demo' },
      { type: 'goto', url: 'http://127.0.0.1:8080' },
    ]);
  });

  it.each<[string, Step[]]>([
    ['open example.com', [goto('https://example.com')]],
    ['visit https://example.com/a?b=1', [goto('https://example.com/a?b=1')]],
    ['navigate to www.example.org/path.', [goto('https://www.example.org/path')]],
    ['browse to example.com/docs,', [goto('https://example.com/docs')]],
    ['Go To https://example.com', [goto('https://example.com')]],
    ['go to "https://example.com/search?q=a b"', [goto('https://example.com/search?q=a b')]],
    ['go to <https://example.com/x>', [goto('https://example.com/x')]],
    ['go to https://example.com/a,b', [goto('https://example.com/a,b')]],
    ['go to https://example.com/a, click "B"', [goto('https://example.com/a'), click('B')]],
    ['open the page example.com', [goto('https://example.com')]],
  ])('goto: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, Step[]]>([
    ['click "Sign in"', [click('Sign in')]],
    ['CLICK ON "Sign in"', [click('Sign in')]],
    ["tap the 'Sign in' button", [click('Sign in')]],
    ['click ‘Sign in’', [click('Sign in')]],
    ['click “Sign in, then continue and pay”', [click('Sign in, then continue and pay')]],
    ["click 'Alice's profile'", [click("Alice's profile")]],
    ['click the Submit button', [click('Submit')]],
    ['click the Docs link', [click('Docs')]],
    ['click Terms and Conditions', [click('Terms and Conditions')]],
    ['click the Menu', [click('Menu')]],
    ['click button', [click('button')]],
    ['click Node.js', [click('Node.js')]],
    ['click C# docs', [click('C# docs')]],
    ['click input#email', [click({ by: 'selector', selector: 'input#email' })]],
    ['click #login', [click({ by: 'selector', selector: '#login' })]],
    ['click .btn-primary', [click({ by: 'selector', selector: '.btn-primary' })]],
    ['click [name=q]', [click({ by: 'selector', selector: '[name=q]' })]],
    ['click input[type=submit]', [click({ by: 'selector', selector: 'input[type=submit]' })]],
    ['click input[aria-label="Sign in"]', [click({ by: 'selector', selector: 'input[aria-label="Sign in"]' })]],
    ['click "#login"', [click('#login')]],
    ['press the "Sign in" button', [click('Sign in')]],
    ['press Sign in', [click('Sign in')]],
    ['press the Delete button', [click('Delete')]],
    ['press on "Save"', [click('Save')]],
  ])('click: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, Step[]]>([
    ['type "alice@example.com" into "Email"', [{ type: 'fill', target: 'Email', value: 'alice@example.com' }]],
    ['enter secret in Password', [{ type: 'fill', target: 'Password', value: 'secret' }]],
    ['write "hello, world" into the Message field', [{ type: 'fill', target: 'Message', value: 'hello, world' }]],
    ['input "x" into #q', [{ type: 'fill', target: { by: 'selector', selector: '#q' }, value: 'x' }]],
    ['type hello world into search box', [{ type: 'fill', target: 'search', value: 'hello world' }]],
    ['type salt and pepper into Search', [{ type: 'fill', target: 'Search', value: 'salt and pepper' }]],
    ['type "  spaced  " into "Notes"', [{ type: 'fill', target: 'Notes', value: '  spaced  ' }]],
    ['type "" into "Search"', [{ type: 'fill', target: 'Search', value: '' }]],
    ['type "in" into "Word"', [{ type: 'fill', target: 'Word', value: 'in' }]],
    ['fill "Email" with "alice@example.com"', [{ type: 'fill', target: 'Email', value: 'alice@example.com' }]],
    ['fill in Email with alice@example.com', [{ type: 'fill', target: 'Email', value: 'alice@example.com' }]],
    ['fill out the "Name" field with "Alice Smith"', [{ type: 'fill', target: 'Name', value: 'Alice Smith' }]],
  ])('fill: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, string]>([
    ['press enter', 'Enter'],
    ['press Return', 'Enter'],
    ['press Tab', 'Tab'],
    ['hit esc', 'Escape'],
    ['press escape', 'Escape'],
    ['press the space key', 'Space'],
    ['press down arrow', 'ArrowDown'],
    ['press arrowup', 'ArrowUp'],
    ['press the left arrow key', 'ArrowLeft'],
    ['press arrow right', 'ArrowRight'],
    ['press Page Down', 'PageDown'],
    ['press pageup', 'PageUp'],
    ['press backspace', 'Backspace'],
    ['press delete', 'Delete'],
    ['press home', 'Home'],
    ['press end', 'End'],
    ['press F5', 'F5'],
    ['press ctrl+a', 'Control+A'],
    ['press cmd+a', 'Meta+A'],
    ['press Ctrl + Shift + k', 'Control+Shift+K'],
    ['press alt+tab', 'Alt+Tab'],
    ['press shift', 'Shift'],
    ['press a', 'a'],
    ['press "Enter"', 'Enter'],
  ])('press: %s', (text, key) => {
    expect(stepsOf(text)).toEqual([{ type: 'press', key }]);
  });

  it.each<[string, Step[]]>([
    ['press Enter in "Search docs"', [{ type: 'press', key: 'Enter', target: 'Search docs' }]],
    ['press tab into the Email field', [{ type: 'press', key: 'Tab', target: 'Email' }]],
    ['press ctrl+a in #q', [{ type: 'press', key: 'Control+A', target: { by: 'selector', selector: '#q' } }]],
  ])('press in a field: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, Step[]]>([
    ['select "Team" from "Plan"', [{ type: 'select', target: 'Plan', option: 'Team' }]],
    ['choose Enterprise from the Plan dropdown', [{ type: 'select', target: 'Plan', option: 'Enterprise' }]],
    ['pick the "Free" option in #plan', [{ type: 'select', target: { by: 'selector', selector: '#plan' }, option: 'Free' }]],
  ])('select: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, string[]]>([
    ['select "Bangladesh" and "Guam" from "Countries"', ['Bangladesh', 'Guam']],
    ['select “A”, “B” and “C” from "Countries"', ['A', 'B', 'C']],
    ['choose both "A" and "B" from "Countries"', ['A', 'B']],
    ['pick the "A" and "B" options in "Countries"', ['A', 'B']],
    ['select "Salt, pepper" and "Oil" from "Countries"', ['Salt, pepper', 'Oil']],
  ])('select several options: %s', (text, option) => {
    expect(stepsOf(text)).toEqual([{ type: 'select', target: 'Countries', option }]);
  });

  it('keeps unquoted words as one option, as it keeps unquoted button names whole', () => {
    expect(stepsOf('select Salt and Pepper from Seasoning')).toEqual([{ type: 'select', target: 'Seasoning', option: 'Salt and Pepper' }]);
  });

  it.each<[string, Step]>([
    ['wait 2 seconds', { type: 'wait', ms: 2000 }],
    ['wait 1 second', { type: 'wait', ms: 1000 }],
    ['wait 1.5s', { type: 'wait', ms: 1500 }],
    ['wait 3 sec', { type: 'wait', ms: 3000 }],
    ['wait 500 ms', { type: 'wait', ms: 500 }],
    ['wait 250ms', { type: 'wait', ms: 250 }],
    ['wait 250 milliseconds', { type: 'wait', ms: 250 }],
    ['wait for 3 seconds', { type: 'wait', ms: 3000 }],
    ['wait a second', { type: 'wait', ms: 1000 }],
    ['wait two seconds', { type: 'wait', ms: 2000 }],
    ['wait 2 minutes', { type: 'wait', ms: 120_000 }],
    ['wait for "Welcome back"', { type: 'wait', text: 'Welcome back' }],
    ['wait "Welcome back"', { type: 'wait', text: 'Welcome back' }],
    ['wait for Welcome back', { type: 'wait', text: 'Welcome back' }],
    ['wait until the page shows "Done"', { type: 'wait', text: 'Done' }],
    ['wait for "Results" to appear', { type: 'wait', text: 'Results' }],
    ['wait until "Saved" is visible', { type: 'wait', text: 'Saved' }],
  ])('wait: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step]>([
    ['extract "Total"', { type: 'extract', target: 'Total' }],
    ['read the text of "Total"', { type: 'extract', target: 'Total' }],
    ['get the text from #price', { type: 'extract', target: { by: 'selector', selector: '#price' } }],
    ['copy the value of [name=q]', { type: 'extract', target: { by: 'selector', selector: '[name=q]' } }],
    ['read Total', { type: 'extract', target: 'Total' }],
    ['extract the contents of the "Order summary" table', { type: 'extract', target: 'Order summary' }],
  ])('extract: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, string]>([
    ['check that the page shows "Welcome"', 'Welcome'],
    ['verify the page contains "Welcome"', 'Welcome'],
    ['make sure it says "Welcome"', 'Welcome'],
    ['confirm that "Welcome" is visible', 'Welcome'],
    ['check that "Welcome" appears', 'Welcome'],
    ['check "Welcome" is on the page', 'Welcome'],
    ['assert "Welcome"', 'Welcome'],
    ['ensure the page has Welcome back', 'Welcome back'],
    ['check that the page says “Thanks, see you then”', 'Thanks, see you then'],
  ])('assert: %s', (text, expected) => {
    expect(stepsOf(text)).toEqual([{ type: 'assert', text: expected }]);
  });

  it.each<[string, Step]>([
    ['take a screenshot', { type: 'screenshot' }],
    ['screenshot', { type: 'screenshot' }],
    ['Take screenshot.', { type: 'screenshot' }],
    ['capture the screen', { type: 'screenshot' }],
    ['take a full-page screenshot', { type: 'screenshot', fullPage: true }],
    ['take a full page screenshot', { type: 'screenshot', fullPage: true }],
    ['take a screenshot of the whole page', { type: 'screenshot', fullPage: true }],
    ['capture the entire page', { type: 'screenshot', fullPage: true }],
  ])('screenshot: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step[]]>([
    [
      'Please go to example.com. Then click "Next"; finally take a screenshot.',
      [goto('https://example.com'), click('Next'), { type: 'screenshot' }],
    ],
    ['click "A" and then click "B"', [click('A'), click('B')]],
    ['click "A" then click "B"', [click('A'), click('B')]],
    ['click "A", and click "B"', [click('A'), click('B')]],
    [
      'go to example.com and click Terms and Conditions and take a screenshot',
      [goto('https://example.com'), click('Terms and Conditions'), { type: 'screenshot' }],
    ],
    ['click "Save and close" and wait 1 second', [click('Save and close'), { type: 'wait', ms: 1000 }]],
    [
      'go to example.com\nclick "Next"\r\ntake a screenshot',
      [goto('https://example.com'), click('Next'), { type: 'screenshot' }],
    ],
    ['1. go to example.com\n2. click "Next"', [goto('https://example.com'), click('Next')]],
    ['- go to example.com\n- click "Next"\n', [goto('https://example.com'), click('Next')]],
    ['first click "A", next click "B", now click "C" please', [click('A'), click('B'), click('C')]],
    ['click "A",,, ;; click "B"', [click('A'), click('B')]],
    ['click "A"! click "B"?', [click('A'), click('B')]],
  ])('clauses: %j', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it('accepts exactly 100 steps', () => {
    expect(stepsOf(Array(100).fill('take a screenshot').join(', '))).toHaveLength(100);
  });
});

describe('parseCommands: rejected input', () => {
  it.each<[string, RegExp]>([
    ['', /nothing to run/],
    ['   \n ', /nothing to run/],
    [', , ;', /nothing to run/],
    ['please, then', /nothing to run/],
    [','.repeat(500), /nothing to run/],
  ])('empty: %j', (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  it('calls free-form text a request for a language model', () => {
    expect(errorOf('find me cheap flights to Lisbon')).toEqual({
      message:
        '“find me cheap flights to Lisbon” is not a command I know. It reads like a free-form request, which needs a language model.',
      clause: 'find me cheap flights to Lisbon',
    });
  });

  it('quotes the clause with an unknown verb', () => {
    expect(errorOf('click "Sign in", dance wildly, take a screenshot')).toEqual({
      message: '“dance wildly” does not start with a command I know.',
      clause: 'dance wildly',
    });
  });

  it('says which argument is missing, with an example', () => {
    expect(errorOf('type into "Email"')).toEqual({
      message:
        'Could not read “type into "Email"”. The text to type is missing. Example: type "alice@example.com" into "Email"',
      clause: 'type into "Email"',
    });
  });

  it.each<[string, RegExp]>([
    ['click', /What to click is missing/],
    ['click ""', /quotes for what to click are empty/],
    ['click "A" "B"', /one quoted name/],
    ['click "Sign in" twice', /Did not understand “twice” next to “Sign in”/],
    ['click "A", "B"', /one quoted name for what to click, found 2/],
    ['type', /text to type and the field are missing/],
    ['type "x"', /Say which field to type into/],
    ['type "a" "b" into "C"', /one pair of quotes/],
    ['enter', /press Enter/],
    ['fill "Email"', /what to fill it with/],
    ['fill with "x"', /field to fill is missing/],
    ['select "Team"', /which dropdown/],
    ['select from "Plan"', /options to choose is missing/],
    ['select "A" or "B" from "C"', /Did not understand “or” in the list of the options to choose/],
    ['select "A" and "" from "C"', /One of the quotes for the options to choose is empty/],
    ['select "A" and B from "C"', /Did not understand “and B” next to “A”/],
    ['select "A", "B" and C from "D"', /Did not understand “C” in the list/],
    ['press ctrl+banana', /“ctrl\+banana” is not a key combination/],
    ['press Enter in', /field to press it in is missing/],
    ['wait', /how long or what to wait for/],
    ['wait for', /how long or what to wait for/],
    ['wait Welcome', /how long or what to wait for/],
    ['wait -3 seconds', /longer than zero/],
    ['wait 0 ms', /longer than zero/],
    ['wait 5', /unit, for example 5 seconds/],
    ['wait 5 parsecs', /“parsecs” is not a unit of time/],
    ['wait 2 seconds more', /Did not understand “more”/],
    ['wait 3 minutes', /at most 120 seconds/],
    ['wait for the page to load', /already waits for the page to load/],
    ['read', /What to read is missing/],
    ['check', /check "Remember me" ticks a checkbox, check that the page shows "Welcome" checks the page/],
    ['check that', /which text the page must show/],
    ['check that Welcome', /which text the page must show/],
    ['verify Welcome', /which text the page must show/],
    ['take', /“screenshot” is missing/],
    ['capture the moment', /Did not understand “moment”/],
    ['take the money', /Did not understand “money”/],
    ['take a screenshot of "Header"', /Did not understand “Header”/],
    ['go to', /web address is missing/],
    ['go to login', /“login” is not a web address/],
    ['go to the login page', /“the login page” is not one web address/],
    ['go to https://', /not a valid web address/],
    ['go to ftp://example.com', /Only http and https addresses can be opened; “ftp:\/\/example.com” uses ftp/],
    ['go to javascript:alert(1)', /Only http and https .* uses javascript/],
    ['open mailto:alice@example.com', /Only http and https .* uses mailto/],
    ['go to data:text/plain', /Only http and https .* uses data/],
  ])('%j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.clause).toBe(text);
  });

  it.each<[string]>([['click "Sign in'], ["type 'abc into x"], ['click “Sign in'], ['click Sign"in'], ['click [name="q]']])(
    'unterminated quote: %s',
    (text) => {
      expect(errorOf(text).message).toMatch(/quote is never closed/);
    },
  );

  it('refuses more than 100 steps', () => {
    expect(errorOf(Array(101).fill('take a screenshot').join(', ')).message).toBe(
      'That is 101 commands; a plan can hold at most 100 steps.',
    );
  });

  it('reports a step the protocol refuses, naming the step and field', () => {
    const long = 'x'.repeat(501);
    const error = errorOf(`take a screenshot, click "${long}"`);
    expect(error.message).toMatch(/^Step 2, “click "x{10,}…”, is not valid: target: /);
    expect(error.clause).toBe(`click "${long}"`);
    expect(errorOf(`type "${'y'.repeat(10_001)}" into "A"`).message).toMatch(/^Step 1, .* is not valid: value: /);
  });

  it.each<[string, string]>([
    ['many commands', 'click a, '.repeat(6_000)],
    ['one long word', 'a'.repeat(50_000)],
    ['an unclosed quote', `"${'a '.repeat(25_000)}`],
    ['apostrophes', `'${"a' ".repeat(16_000)}`],
    ['a long URL', `go to ${'a.'.repeat(25_000)}com`],
    ['repeated connectors', `click ${'and '.repeat(12_000)}`],
    ['repeated "is"', `check that ${'is '.repeat(16_000)}`],
    ['a long selector', `click [${'"a"'.repeat(16_000)}`],
    ['a long list of options', `select ${'"a", '.repeat(10_000)}`],
    ['a long scroll', `scroll ${'down '.repeat(10_000)}`],
    ['repeated dialogs', `click "a" ${'and dismiss the dialog '.repeat(2_000)}`],
  ])('returns quickly on 50 KB of %s', (_name, text) => {
    const started = performance.now();
    const result = parseCommands(text);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message.length).toBeLessThan(400);
  });
});

describe('commandHelp', () => {
  it('lists the commands and examples and says free-form requests need a model', () => {
    const help = commandHelp({ baseUrl: 'http://localhost:3000' });
    expect(help).toMatch(/^Without a language model/);
    expect(help).toContain('OPENAI_API_KEY');
    expect(help).toContain('LLM_BASE_URL');
    expect(help).toContain('- take a screenshot');
    for (const example of commandExamples('http://localhost:3000')) expect(help).toContain(`- ${example.prompt}`);
  });

  it('starts with the problem when there is one', () => {
    const problem = errorOf('find me cheap flights').message;
    expect(commandHelp({ problem, baseUrl: 'http://localhost:3000' }).split('\n').slice(0, 2)).toEqual([problem, '']);
  });

  it.each(commandExamples('http://127.0.0.1:8080'))('example parses: $title', ({ prompt }) => {
    expect(parseCommands(prompt)).toMatchObject({ ok: true });
  });
});
