import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { StepOutputSchema, type Step, type StepResolution } from '../../protocol/index.ts';
import type { StagehandSessions } from '../ai/stagehand-sessions.ts';
import { StepError } from '../steps/step-error.ts';
import { aiTest as test, runAiStep } from './ai-test.ts';
import { elementIdInItem, elementIds, jsonAnswer, promptText, requestKind, scriptedModel, toolCallAnswer, type ScriptedModel } from './scripted-model.ts';

const ref = { runId: randomUUID(), attempt: 1, index: 3 };

function run(options: { page: Page; stagehand: StagehandSessions; model: ScriptedModel; step: Step; compiled?: StepResolution }) {
  return runAiStep({ ...options, ref });
}

describe('observe', () => {
  test('lists what can be done, as replayable actions, and compiles to nothing', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const model = scriptedModel({
      stagehand: (request) => {
        expect(requestKind(request)).toBe('observe');
        const [search] = elementIds(request, /searchbox: Search products/);
        const buttons = elementIds(request, /button: Add to cart/);
        return jsonAnswer({
          elements: [
            ...buttons.map((elementId, position) => ({ elementId, description: `Add product ${position + 1} to the cart`, method: 'click', arguments: [] })),
            { elementId: search, description: 'the search box', method: 'fill', arguments: ['laptop'] },
          ],
        });
      },
    });
    const output = StepOutputSchema.parse(await run({ page, stagehand, model, step: { type: 'observe', instruction: 'what can I do with the products?' } }));
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.request.kind === 'stagehand' && promptText(model.calls[0]!.request)).toContain('what can I do with the products?');
    expect(output.resolution).toEqual({ source: 'model' });
    expect(output.observations).toHaveLength(5);
    expect(output.observations?.[1]).toEqual({ selector: expect.stringMatching(/li\[2\]\/button\[1\]$/), method: 'click', arguments: [], description: 'Add product 2 to the cart' });
    expect(output.observations?.[4]).toEqual({ selector: expect.stringMatching(/input\[1\]$/), method: 'fill', arguments: ['laptop'], description: 'the search box' });
    // Observing did nothing to the page.
    expect(await page.locator('#cart-items').textContent()).toBe('empty');
  });
});

describe('agent', () => {
  test('works a task out in a few actions, compiles the element actions it took, and replays them with no model call', async ({ page, server, stagehand, opened }) => {
    await page.goto(server.url('/shop.html'));
    const model = scriptedModel({
      stagehand: (request) => {
        if (requestKind(request) === 'act') {
          const elementId = elementIdInItem(request, 'Laptop Beta 13', /button: Add to cart/);
          return jsonAnswer({ action: { elementId, description: 'Add to cart of Laptop Beta 13', method: 'click', arguments: [] }, twoStep: false });
        }
        const last = request.messages.at(-1)!;
        if (last.role === 'user') return toolCallAnswer('act', { action: 'click Add to cart on Laptop Beta 13' });
        return toolCallAnswer('done', { reasoning: 'Laptop Beta 13, the cheapest, is in the cart', taskComplete: true });
      },
    });
    const step: Step = { type: 'agent', task: 'put the cheapest laptop in the cart', maxActions: 5 };
    const output = StepOutputSchema.parse(await run({ page, stagehand, model, step }));
    expect(await page.locator('#cart-items').textContent()).toBe('Laptop Beta 13');
    expect(output.agent).toEqual({ finished: true, actions: 2, summary: 'Laptop Beta 13, the cheapest, is in the cart' });
    expect(output.resolution).toEqual({
      source: 'model',
      compiled: { kind: 'actions', actions: [expect.objectContaining({ selector: expect.stringMatching(/li\[2\]\/button\[1\]$/), method: 'click' })] },
    });
    // Agent turn, the act inside it, agent turn that says done.
    expect(model.calls.map((call) => call.request.kind === 'stagehand' && requestKind(call.request))).toEqual(['agent', 'act', 'agent']);
    const first = model.calls[0]!.request;
    if (first.kind !== 'stagehand') throw new Error('expected a Stagehand call');
    expect(promptText(first)).toContain('put the cheapest laptop in the cart');
    const tools = first.tools?.map((tool) => tool.name);
    expect(tools).toContain('act');
    expect(tools).not.toContain('goto');
    expect(tools).not.toContain('keys');

    const fresh = await (await opened.browser.newContext()).newPage();
    await fresh.goto(server.url('/shop.html'));
    const silent = scriptedModel({});
    const replayed = await run({ page: fresh, stagehand, model: silent, step, compiled: output.resolution?.compiled });
    expect(silent.calls).toEqual([]);
    expect(replayed).toMatchObject({ resolution: { source: 'replayed' }, agent: { finished: true, actions: 1 } });
    expect(await fresh.locator('#cart-items').textContent()).toBe('Laptop Beta 13');
    await fresh.context().close();
  });

  test('stops at its action limit without finishing, and fails saying so', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const model = scriptedModel({
      stagehand: (request) => {
        // At the limit Stagehand asks for a final assessment, with the done tool forced.
        if (request.toolChoice === 'required') return toolCallAnswer('done', { reasoning: 'no laptop costs under $500', taskComplete: false });
        return toolCallAnswer('think', { reasoning: 'looking for a laptop under $500' });
      },
    });
    const error = await run({ page, stagehand, model, step: { type: 'agent', task: 'buy a laptop under $500', maxActions: 2 } }).catch((caught: unknown) => caught);
    expect(StepError.isInstance(error) && { code: error.code, message: error.message }).toEqual({
      code: 'action-failed',
      message: 'stopped after 2 actions without finishing: no laptop costs under $500',
    });
    expect(model.calls).toHaveLength(3);
    const final = model.calls[2]!.request;
    expect(final.kind === 'stagehand' && final.tools?.map((tool) => tool.name)).toEqual(['done']);
  });
});
