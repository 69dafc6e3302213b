import { describe, expect, it } from 'vitest';
import type { BrowserOptions } from '../../protocol/index.ts';
import { browserDraft, checkBrowserDraft, describeBrowserOptions } from './browser-options.ts';

describe('describeBrowserOptions', () => {
  it('says every option in one line', () => {
    const browser: BrowserOptions = {
      viewport: { width: 390, height: 844 },
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
      session: { use: 'staging', saveAs: 'staging' },
    };
    expect(describeBrowserOptions(browser)).toBe('Window 390×844 · de-DE · Europe/Berlin · uses session "staging" · saves session "staging"');
  });

  it('starts with a capital whichever option comes first', () => {
    expect(describeBrowserOptions({ session: { saveAs: 'bank' } })).toBe('Saves session "bank"');
    expect(describeBrowserOptions({ geolocation: { latitude: 52.52, longitude: 13.405 }, userAgent: 'Bot/1.0' })).toBe(
      'Located at 52.52, 13.405 · own user agent',
    );
  });
});

describe('editing browser options', () => {
  it('reads back the options it was given', () => {
    const browser: BrowserOptions = { viewport: { width: 390, height: 844 }, locale: 'de-DE', timezoneId: 'Europe/Berlin', session: { use: 'a', saveAs: 'b' } };
    expect(checkBrowserDraft(browserDraft(browser), browser)).toEqual({ ok: true, browser });
  });

  it('sets no options when every field is empty, and trims what was typed', () => {
    expect(checkBrowserDraft(browserDraft(undefined), undefined)).toEqual({ ok: true, browser: undefined });
    expect(checkBrowserDraft({ locale: ' en-GB ', sessionUse: '  ', sessionSaveAs: ' staging ' }, undefined)).toEqual({
      ok: true,
      browser: { locale: 'en-GB', session: { saveAs: 'staging' } },
    });
  });

  it('keeps the options the editor has no field for', () => {
    const original: BrowserOptions = { geolocation: { latitude: 1, longitude: 2 }, userAgent: 'Bot/1.0', locale: 'fr-FR' };
    expect(checkBrowserDraft({ locale: undefined }, original)).toEqual({ ok: true, browser: { geolocation: { latitude: 1, longitude: 2 }, userAgent: 'Bot/1.0' } });
  });

  it('says what is wrong next to each field, in words for people', () => {
    expect(checkBrowserDraft({ width: 390 }, undefined)).toEqual({ ok: false, problems: { height: 'Enter a number.' } });
    expect(checkBrowserDraft({ width: 100, height: 844.5 }, undefined)).toEqual({ ok: false, problems: { width: 'Use at least 200.', height: 'Use a whole number.' } });
    expect(checkBrowserDraft({ locale: 'German', timezoneId: 'Berlin time', sessionUse: 'a/b' }, undefined)).toEqual({
      ok: false,
      problems: {
        locale: 'Use a locale such as en-GB.',
        timezoneId: 'Use a time zone such as Europe/Berlin.',
        sessionUse: 'Use letters, digits, spaces, dots, dashes and underscores.',
      },
    });
  });
});
