import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { StepOutputSchema, type ExtractRule, type ExtractShape, type Step, type StepResolution } from '../../protocol/index.ts';
import type { StagehandSessions } from '../ai/stagehand-sessions.ts';
import { StepError } from '../steps/step-error.ts';
import { aiTest as test, runAiStep } from './ai-test.ts';
import { scriptedModel, type ScriptedModel } from './scripted-model.ts';

const ref = { runId: randomUUID(), attempt: 1, index: 2 };
const shape: ExtractShape = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } } };
const readProducts: Step = { type: 'extract', instruction: 'the name and price of each laptop', shape };

/** A rule for shop.html: CSS for the items and names, XPath (relative to each item) for the prices. */
const shopRule: ExtractRule = {
  kind: 'list',
  each: 'li.product',
  item: { kind: 'object', properties: { name: { kind: 'value', selector: '.name' }, price: { kind: 'value', selector: "xpath=.//span[@class='price']" } } },
};
/** The same for shop-redesigned.html. */
const redesignedRule: ExtractRule = {
  kind: 'list',
  each: '//article[@data-sku]',
  item: { kind: 'object', properties: { name: { kind: 'value', selector: 'h3.title' }, price: { kind: 'value', selector: '.cost' } } },
};

const SHOP_PRODUCTS = [
  { name: 'Laptop Alpha 14', price: 1299 },
  { name: 'Laptop Beta 13', price: 899 },
  { name: 'Laptop Gamma 15', price: 1099.5 },
  { name: 'Laptop Delta 16', price: 949.99 },
];

function ruleModel(...rules: ExtractRule[]): ScriptedModel {
  let next = 0;
  return scriptedModel({ extractRule: () => ({ kind: 'extract-rule', rule: rules[next++]!, inputTokens: 500, outputTokens: 60 }) });
}

function extract(options: { page: Page; stagehand: StagehandSessions; model: ScriptedModel; compiled?: StepResolution; step?: Step }) {
  return runAiStep({ ...options, step: options.step ?? readProducts, ref });
}

describe('extract with an instruction', () => {
  test('asks for a rule from an outline of the page, returns the data in its shape and compiles to the rule', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const model = ruleModel(shopRule);
    const output = StepOutputSchema.parse(await extract({ page, stagehand, model }));

    expect(output.data).toEqual(SHOP_PRODUCTS);
    expect(output.text).toBeUndefined();
    expect(output.resolution).toEqual({ source: 'model', compiled: { kind: 'extraction', rule: shopRule } });
    expect(model.calls).toHaveLength(1);
    const request = model.calls[0]!.request;
    if (request.kind !== 'extract-rule') throw new Error('expected an extract-rule call');
    expect(request).toMatchObject({ instruction: 'the name and price of each laptop', shape, url: server.url('/shop.html') });
    expect(request.failure).toBeUndefined();
    for (const { name } of SHOP_PRODUCTS) expect(request.outline).toContain(`"${name}"`);
    expect(request.outline).toContain('li.product[data-sku="beta-13"]');
    expect(request.outline).toContain('span.price "$1,299.00"');
    // Scripts are not part of what the page shows.
    expect(request.outline).not.toContain('addEventListener');
  });

  test('replays its rule with no model call, and heals when the page no longer fits it', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    const compiled = (await extract({ page, stagehand, model: ruleModel(shopRule) })).resolution?.compiled;

    await page.goto(server.url('/shop-page-2.html'));
    const silent = scriptedModel({});
    const replayed = await extract({ page, stagehand, model: silent, compiled });
    expect(silent.calls).toEqual([]);
    expect(replayed).toMatchObject({ data: [{ name: 'Laptop Epsilon 13', price: 749 }], resolution: { source: 'replayed' }, modelMs: 0 });

    await page.goto(server.url('/shop-redesigned.html'));
    const model = ruleModel(redesignedRule);
    const healed = StepOutputSchema.parse(await extract({ page, stagehand, model, compiled }));
    expect(healed.data).toEqual(SHOP_PRODUCTS.slice(0, 3));
    expect(healed.resolution).toEqual({ source: 'healed', compiled: { kind: 'extraction', rule: redesignedRule } });
    const request = model.calls[0]!.request;
    // The model is told why the old rule failed, and sees the new page.
    expect(request.kind === 'extract-rule' && request.failure).toBe('The extraction rule does not fit the page: the result: the list is empty');
    expect(request.kind === 'extract-rule' && request.outline).toContain('h3.title "Laptop Beta 13"');
  });

  test('a rule whose values do not fit the shape gets one more try with the reason, then fails', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/shop.html'));
    // Prices read from the names: not numbers.
    const wrong: ExtractRule = { kind: 'list', each: 'li.product', item: { kind: 'object', properties: { name: { kind: 'value', selector: '.name' }, price: { kind: 'value', selector: '.name' } } } };
    const model = ruleModel(wrong, wrong);
    const error = await extract({ page, stagehand, model }).catch((caught: unknown) => caught);
    expect(StepError.isInstance(error) && { code: error.code, message: error.message }).toEqual({
      code: 'action-failed',
      message: 'The extraction rule does not fit the page: the result[0].price: "Laptop Alpha 14" is not a number',
    });
    expect(model.calls.map((call) => call.request.kind === 'extract-rule' && call.request.failure)).toEqual([
      undefined,
      'The extraction rule does not fit the page: the result[0].price: "Laptop Alpha 14" is not a number',
    ]);
  });

  test('without a shape, reads text, reported as text and data', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/product.html?sku=gamma-15'));
    const model = ruleModel({ kind: 'value', selector: '#product-price' });
    const output = await extract({ page, stagehand, model, step: { type: 'extract', instruction: 'the price' } });
    expect(output).toMatchObject({ text: '$1,099.50', data: '$1,099.50', resolution: { source: 'model' } });
  });
});
