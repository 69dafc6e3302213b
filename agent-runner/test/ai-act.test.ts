import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { StepOutputSchema, type Step, type StepResolution } from '../../protocol/index.ts';
import type { StagehandSessions } from '../ai/stagehand-sessions.ts';
import { StepError } from '../steps/step-error.ts';
import { aiTest as test, runAiStep } from './ai-test.ts';
import { elementIdInItem, jsonAnswer, promptText, requestKind, scriptedModel, type ScriptedModel } from './scripted-model.ts';

const ref = { runId: randomUUID(), attempt: 1, index: 1 };
const addCheapest: Step = { type: 'act', instruction: 'add the cheapest laptop to the cart' };

/** A model that clicks the add button in the item of Laptop Beta 13 (the cheapest), whatever the button is called. */
function cheapestLaptopModel(): ScriptedModel {
  return scriptedModel({
    stagehand: (request) => {
      expect(requestKind(request)).toBe('act');
      const elementId = elementIdInItem(request, 'Laptop Beta 13', /button: (Add to cart|Buy now)/);
      return jsonAnswer({ action: { elementId, description: 'the add button of Laptop Beta 13', method: 'click', arguments: [] }, twoStep: false });
    },
  });
}

function act(options: { page: Page; stagehand: StagehandSessions; model: ScriptedModel; compiled?: StepResolution; step?: Step }) {
  return runAiStep({ ...options, step: options.step ?? addCheapest, ref });
}

describe('act', () => {
  test('resolves through the model, on the run page, and reports the actions it compiled to', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const model = cheapestLaptopModel();
    const output = StepOutputSchema.parse(await act({ page, stagehand, model }));

    expect(await page.locator('#cart-items').textContent()).toBe('Laptop Beta 13');
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.ref).toEqual(ref);
    const request = model.calls[0]!.request;
    if (request.kind !== 'stagehand') throw new Error('expected a Stagehand call');
    // What the model was shown: the instruction and the page's accessibility tree.
    expect(promptText(request)).toContain('add the cheapest laptop to the cart');
    expect(promptText(request)).toMatch(/\[\d+-\d+\] button: Add to cart/);
    expect(promptText(request)).toContain('Laptop Gamma 15');
    expect(output.resolution).toEqual({
      source: 'model',
      compiled: { kind: 'actions', actions: [{ selector: expect.stringMatching(/^xpath=\/html\[1\]\/body\[1\]\/.*li\[2\]\/button\[1\]$/), method: 'click', arguments: [], description: 'the add button of Laptop Beta 13' }] },
    });
    expect(output.modelMs).toBeGreaterThanOrEqual(0);
    expect(output.url).toBe(server.url('/shop.html'));
  });

  test('with its compiled actions, replays on a fresh page with no model call', async ({ page, server, stagehand, opened }) => {
    await page.goto(server.url('/shop.html'));
    const compiled = (await act({ page, stagehand, model: cheapestLaptopModel() })).resolution?.compiled;
    expect(compiled?.kind).toBe('actions');

    const fresh = await (await opened.browser.newContext()).newPage();
    await fresh.goto(server.url('/shop.html'));
    const silent = scriptedModel({});
    const output = await act({ page: fresh, stagehand, model: silent, compiled });
    expect(silent.calls).toEqual([]);
    expect(output).toEqual({ resolution: { source: 'replayed' }, modelMs: 0, url: server.url('/shop.html') });
    expect(await fresh.locator('#cart-items').textContent()).toBe('Laptop Beta 13');
    await fresh.context().close();
  });

  test('heals through the model when the page changed and the compiled actions no longer fit', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const compiled = (await act({ page, stagehand, model: cheapestLaptopModel() })).resolution?.compiled;

    await page.goto(server.url('/shop-redesigned.html'));
    const model = cheapestLaptopModel();
    const output = StepOutputSchema.parse(await act({ page, stagehand, model, compiled }));
    expect(model.calls).toHaveLength(1);
    const request = model.calls[0]!.request;
    expect(request.kind === 'stagehand' && promptText(request)).toMatch(/button: Buy now/);
    expect(output.resolution?.source).toBe('healed');
    const healed = output.resolution?.compiled;
    expect(healed).toEqual({ kind: 'actions', actions: [expect.objectContaining({ method: 'click', selector: expect.stringMatching(/article\[2\]\/div\[1\]\/button\[1\]$/) })] });
    expect(healed).not.toEqual(compiled);
    expect(await page.locator('#cart-items').textContent()).toBe('Laptop Beta 13');
  });

  test('fails with target-not-found when the model finds nothing to act on', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const model = scriptedModel({ stagehand: () => jsonAnswer({ action: null, twoStep: false }) });
    const error = await act({ page, stagehand, model, step: { type: 'act', instruction: 'open the settings' } }).catch((caught: unknown) => caught);
    expect(StepError.isInstance(error) && { code: error.code, message: error.message }).toEqual({
      code: 'target-not-found',
      message: 'Found nothing on the page to do "open the settings"',
    });
  });
});
