import { describe, expect, it } from 'vitest';
import type { BrowserOptions, Step } from '../../protocol/index.ts';
import { parseCommands } from './command-grammar.ts';
import { click, errorOf, goto, stepsOf } from './command-testing.ts';

// Commands that change how the plan runs rather than add a step: how a step answers dialogs,
// and how the run's browser is set up (saved sessions, window, locale, time zone).

describe('accepted', () => {
  it.each<[string, Step[]]>([
    ['click "Delete" and dismiss the dialog', [{ type: 'click', target: 'Delete', dialog: 'dismiss' }]],
    ['click "Delete", then accept the confirmation', [{ type: 'click', target: 'Delete', dialog: 'accept' }]],
    ['click "Leave" and accept it', [{ type: 'click', target: 'Leave', dialog: 'accept' }]],
    ['click "Rename" and answer the prompt with "Q3 report"', [{ type: 'click', target: 'Rename', dialog: { text: 'Q3 report' } }]],
    ['click "Rename" and accept the prompt with ""', [{ type: 'click', target: 'Rename', dialog: { text: '' } }]],
    ['go to example.com and dismiss any alerts', [{ type: 'goto', url: 'https://example.com', dialog: 'dismiss' }]],
    [
      'click "A" and dismiss the dialog, click "B"',
      [{ type: 'click', target: 'A', dialog: 'dismiss' }, click('B')],
    ],
  ])('dialogs: %s', (text, steps) => {
    expect(stepsOf(text)).toEqual(steps);
  });

  it.each<[string, BrowserOptions]>([
    ['use my "staging" session', { session: { use: 'staging' } }],
    ['use the session "staging"', { session: { use: 'staging' } }],
    ['use the saved staging session', { session: { use: 'staging' } }],
    ['save the session as "staging"', { session: { saveAs: 'staging' } }],
    ['save this browser session as bank login', { session: { saveAs: 'bank login' } }],
    ['use my "staging" session and save the session as "staging 2"', { session: { use: 'staging', saveAs: 'staging 2' } }],
    ['use a 390x844 window', { viewport: { width: 390, height: 844 } }],
    ['use a 390×844 viewport', { viewport: { width: 390, height: 844 } }],
    ['use a window of 1024 by 768 pixels', { viewport: { width: 1024, height: 768 } }],
    ['use the locale de-DE', { locale: 'de-DE' }],
    ['use the "en-GB" language', { locale: 'en-GB' }],
    ['use the time zone Europe/Berlin', { timezoneId: 'Europe/Berlin' }],
    ['use the timezone "America/New_York"', { timezoneId: 'America/New_York' }],
  ])('browser settings: %s', (setting, browser) => {
    expect(parseCommands(`${setting}, go to example.com`)).toEqual({ ok: true, steps: [goto('https://example.com')], browser });
  });

  it('reads browser settings wherever they are written, for the whole plan', () => {
    expect(parseCommands('go to example.com, use a 390x844 window, click "Menu", use my "phone" session')).toEqual({
      ok: true,
      steps: [goto('https://example.com'), click('Menu')],
      browser: { viewport: { width: 390, height: 844 }, session: { use: 'phone' } },
    });
  });

  it('leaves browser settings out when the message has none', () => {
    expect(parseCommands('go to example.com')).toEqual({ ok: true, steps: [goto('https://example.com')] });
  });
});

describe('rejected', () => {
  it.each<[string, RegExp]>([
    ['accept', /Say which dialog, like accept the dialog/],
    ['accept the cookies', /did not understand “the cookies”. To click a button, write: click "Accept"/],
    ['dismiss the prompt with "x"', /A dismissed prompt takes no text/],
    ['answer the prompt', /Say what to answer with/],
    ['answer the prompt with', /text to answer with is missing/],
    ['use', /Say what to use/],
    ['use the search box', /Say what to use/],
    ['use my session', /session name is missing/],
    ['use my "stag/ing" session', /“stag\/ing” is not a valid session name: use letters, digits/],
    [`use my "${'s'.repeat(101)}" session`, /too long for a session name/],
    ['save', /save the session as "staging"/],
    ['save "staging"', /save the session as "staging"/],
    ['save the session as', /session name is missing/],
    ['use a big window', /Say the window’s size in pixels, width by height: use a 390x844 window; “big” is not one/],
    ['use a window', /Say the window’s size in pixels/],
    ['use a 100x844 window', /A window is 200 to 3840 pixels wide; 100 is not/],
    ['use a 390x9000 window', /A window is 200 to 2160 pixels high; 9000 is not/],
    ['use the locale german', /“german” is not a valid locale: use a locale such as en-GB/],
    ['use the time zone Europe/Berln', /“Europe\/Berln” is not a time zone I know/],
    ['use the time zone "Berlin time"', /is not a valid time zone/],
  ])('%j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.clause).toBe(text);
  });

  it.each<[string, RegExp]>([
    ['dismiss the dialog, click "Delete"', /says how to answer the dialogs of the step before it, and there is none/],
    ['click "A" and dismiss the dialog and accept the dialog', /Step 1 already says how to answer its dialogs/],
    ['use my "a" session, use my "b" session, go to example.com', /The session to use is given twice/],
    ['use a 390x844 window, use a 800x600 window, go to example.com', /The window size is given twice/],
  ])('modifiers in the wrong place: %j', (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  it('needs a step besides the browser settings', () => {
    expect(errorOf('use my "staging" session, save the session as "staging"')).toEqual({
      message: 'That only sets up the browser; add what to do, like go to https://example.com.',
    });
  });

  it('names the step a refusal is about, counting steps, not settings', () => {
    const error = errorOf(`use my "a" session, go to example.com, select ${Array.from({ length: 51 }, (_, index) => `"o${index}"`).join(' and ')} from "C"`);
    expect(error.message).toMatch(/^Step 2, “select "o0" and .*”, is not valid: option: /);
  });
});
