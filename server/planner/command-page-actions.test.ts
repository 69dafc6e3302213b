import { describe, expect, it } from 'vitest';
import type { Step } from '../../protocol/index.ts';
import { click, errorOf, stepsOf } from './command-testing.ts';

// The commands for what a page needs besides clicks and typing: checkboxes, hovering, scrolling,
// waiting for the address, tabs.

describe('accepted', () => {
  it.each<[string, Step]>([
    ['check "Remember me"', { type: 'check', target: 'Remember me' }],
    ['check the "Remember me" checkbox', { type: 'check', target: 'Remember me' }],
    ['check the Remember me checkbox', { type: 'check', target: 'Remember me' }],
    ['tick the "Yearly" box', { type: 'check', target: 'Yearly' }],
    ['check #terms', { type: 'check', target: { by: 'selector', selector: '#terms' } }],
    ['uncheck "Newsletter"', { type: 'uncheck', target: 'Newsletter' }],
    ['untick the Newsletter checkbox', { type: 'uncheck', target: 'Newsletter' }],
  ])('check and uncheck: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step]>([
    ['hover over "Menu"', { type: 'hover', target: 'Menu' }],
    ['hover "Products"', { type: 'hover', target: 'Products' }],
    ['hover on the Account link', { type: 'hover', target: 'Account' }],
    ['mouse over .tooltip-trigger', { type: 'hover', target: { by: 'selector', selector: '.tooltip-trigger' } }],
  ])('hover: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step]>([
    ['scroll down', { type: 'scroll', by: { x: 0, y: 600 } }],
    ['scroll up', { type: 'scroll', by: { x: 0, y: -600 } }],
    ['scroll down 500 pixels', { type: 'scroll', by: { x: 0, y: 500 } }],
    ['scroll up by 200px', { type: 'scroll', by: { x: 0, y: -200 } }],
    ['scroll right 300 px', { type: 'scroll', by: { x: 300, y: 0 } }],
    ['scroll left 40', { type: 'scroll', by: { x: -40, y: 0 } }],
    ['scroll to the bottom', { type: 'scroll', to: 'bottom' }],
    ['scroll to the bottom of the page', { type: 'scroll', to: 'bottom' }],
    ['scroll down to the end', { type: 'scroll', to: 'bottom' }],
    ['scroll up to the very top', { type: 'scroll', to: 'top' }],
    ['scroll to top', { type: 'scroll', to: 'top' }],
    ['scroll to "Footer"', { type: 'scroll', target: 'Footer' }],
    ['scroll down to the "Footer"', { type: 'scroll', target: 'Footer' }],
    ['scroll to "Top"', { type: 'scroll', target: 'Top' }],
    ['scroll to the "Pricing" section', { type: 'scroll', target: 'Pricing' }],
    ['scroll #reviews into view', { type: 'scroll', target: { by: 'selector', selector: '#reviews' } }],
  ])('scroll: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step]>([
    ['wait for the address to contain "/dashboard"', { type: 'waitForUrl', contains: '/dashboard' }],
    ['wait until the URL contains "/dashboard"', { type: 'waitForUrl', contains: '/dashboard' }],
    ['wait until the url contains /dashboard', { type: 'waitForUrl', contains: '/dashboard' }],
    ['wait for the page address to include "?step=2"', { type: 'waitForUrl', contains: '?step=2' }],
    ['wait till the location has "#done"', { type: 'waitForUrl', contains: '#done' }],
    ['wait for the Address book', { type: 'wait', text: 'Address book' }],
    ['wait for "the URL contains x"', { type: 'wait', text: 'the URL contains x' }],
  ])('wait for the address: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it.each<[string, Step]>([
    ['switch to tab 2', { type: 'switchTab', to: 2 }],
    ['switch to the second tab', { type: 'switchTab', to: 2 }],
    ['switch back to the first tab', { type: 'switchTab', to: 1 }],
    ['switch to tab #3', { type: 'switchTab', to: 3 }],
    ['switch to the 4th tab', { type: 'switchTab', to: 4 }],
    ['switch to the tab "Invoice"', { type: 'switchTab', to: 'Invoice' }],
    ['switch to the "Invoice" tab', { type: 'switchTab', to: 'Invoice' }],
    ['switch to the Invoice tab', { type: 'switchTab', to: 'Invoice' }],
    ['switch to the tab "2024"', { type: 'switchTab', to: '2024' }],
    ['close the tab', { type: 'closeTab' }],
    ['close this tab', { type: 'closeTab' }],
    ['close tab', { type: 'closeTab' }],
    ['close the current tab', { type: 'closeTab' }],
    ['close the popup', { type: 'closeTab' }],
  ])('tabs: %s', (text, step) => {
    expect(stepsOf(text)).toEqual([step]);
  });

  it('keeps an unquoted button named "Save and close" whole', () => {
    expect(stepsOf('click Save and close')).toEqual([click('Save and close')]);
    expect(stepsOf('click "Save" and close the tab')).toEqual([click('Save'), { type: 'closeTab' }]);
  });
});

describe('rejected', () => {
  it.each<[string, RegExp]>([
    ['check "A" "B"', /one quoted name for what to check/],
    // A request that starts with "check" goes to the assistant, not to a checkbox.
    ['check the staging dashboard every weekday at 9', /Put what to check in quotes/],
    ['check Remember me', /Put what to check in quotes/],
    ['uncheck', /What to uncheck is missing/],
    ['tick the "A" checkbox twice', /Did not understand “twice”/],
    ['hover', /What to hover over is missing/],
    ['hover over', /What to hover over is missing/],
    ['scroll', /Say where to scroll/],
    ['scroll sideways', /Did not understand “sideways”. Say where to scroll/],
    ['scroll down 0 pixels', /more than zero/],
    ['scroll down -5 pixels', /more than zero/],
    ['scroll down 1.5 pixels', /whole number of pixels/],
    ['scroll down 200000 pixels', /at most 100,000 pixels/],
    ['scroll down a page', /distance in pixels/],
    ['scroll down 500 parsecs', /distance in pixels/],
    ['scroll down 500px pixels', /distance in pixels/],
    ['scroll down to the top', /Did not understand “to the top” after “scroll down”/],
    ['scroll left to the bottom', /Did not understand “to the bottom” after “scroll left”/],
    ['scroll to', /What to scroll to is missing/],
    ['wait until the URL contains', /text the address should contain is missing/],
    ['wait for the address to contain "a" "b"', /one pair of quotes/],
    ['switch to', /Say which tab/],
    ['switch to the tab', /Say which tab/],
    ['switch to tab 0', /numbered from 1 .* to 50/],
    ['switch to tab 51', /numbered from 1 .* to 50/],
    ['switch to the new tab', /opens a tab moves to it by itself/],
    ['switch to the tab "A" "B"', /one quoted name for the tab/],
    ['close the window and the door', /Only the current tab can be closed/],
    ['close the dialog', /dismiss the dialog/],
  ])('%j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.clause).toBe(text);
  });
});
