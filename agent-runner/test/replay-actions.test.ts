import { describe, expect } from 'vitest';
import { replayActions } from '../ai/replay-actions.ts';
import { StepError } from '../steps/step-error.ts';
import { browserTest as test } from './browser-test.ts';

const PAGE = `
  <p id="log">nothing yet</p>
  <select id="size"><option>Small</option><option>Large</option></select>
  <label><input type="checkbox" id="gift"> Gift</label>
  <iframe srcdoc="<button onclick=&quot;parent.document.getElementById('log').textContent = 'framed'&quot;>In a frame</button>"></iframe>
  <x-host></x-host>
  <script>
    const root = document.querySelector('x-host').attachShadow({ mode: 'open' });
    root.innerHTML = '<input id="inner">';
  </script>`;

describe('replayActions', () => {
  test('replays Stagehand selectors across iframes and open shadow roots, and its method names', async ({ page }) => {
    await page.setContent(PAGE);
    await page.frameLocator('iframe').locator('button').waitFor();
    const signal = new AbortController().signal;
    await replayActions({
      page,
      timeoutMs: 5_000,
      signal,
      actions: [
        { selector: 'xpath=/html[1]/body[1]/iframe[1]/html[1]/body[1]/button[1]', method: 'click', arguments: [] },
        { selector: 'xpath=/html[1]/body[1]/select[1]', method: 'selectOptionFromDropdown', arguments: ['Large'] },
        { selector: 'xpath=/html[1]/body[1]/label[1]/input[1]', method: 'check', arguments: [] },
        { selector: 'xpath=/html[1]/body[1]/x-host[1]//input[1]', method: 'fill', arguments: ['hello'] },
        { selector: '#inner', method: 'press', arguments: ['End'] },
      ],
    });
    expect(await page.locator('#log').textContent()).toBe('framed');
    expect(await page.locator('#size').inputValue()).toBe('Large');
    expect(await page.locator('#gift').isChecked()).toBe(true);
    expect(await page.locator('x-host input').inputValue()).toBe('hello');
  });

  test('an element that is gone, or a method it cannot replay, is a StepError the step heals from', async ({ page }) => {
    await page.setContent(PAGE);
    const signal = new AbortController().signal;
    const gone = await replayActions({ page, timeoutMs: 300, signal, actions: [{ selector: 'xpath=/html[1]/body[1]/button[3]', method: 'click', arguments: [], description: 'the Pay button' }] }).catch((error: unknown) => error);
    expect(StepError.isInstance(gone) && [gone.code, gone.message]).toEqual(['target-not-found', 'The element of action 1 (the Pay button) is no longer on the page']);
    const unknown = await replayActions({ page, timeoutMs: 300, signal, actions: [{ selector: '#log', method: 'dragAndDrop', arguments: [] }] }).catch((error: unknown) => error);
    expect(StepError.isInstance(unknown) && [unknown.code, unknown.message]).toEqual(['action-failed', 'Cannot replay "dragAndDrop" (action 1)']);
  });
});
