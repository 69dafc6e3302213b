import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../agent-runner/testing.ts';
import type { ChatMessage, Step, Usage } from '../protocol/index.ts';
import { startFakeOpenAiServer, textAnswer, type FakeAnswer, type FakeOpenAiServer, type FakeRequest } from './harness/fake-openai-server.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// The chat UI with the assistant, in real Chromium, against the real server, runner and
// database; the language model is the local fake OpenAI-compatible server.

describe('the chat UI with the assistant', () => {
  let uiDir: string;
  let fake: FakeOpenAiServer;
  let server: TestServer;
  let runner: RunnerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'skipper-ui-'));
    [fake] = await Promise.all([
      startFakeOpenAiServer(),
      build({
        configFile: fileURLToPath(new URL('../chat-ui/vite.config.ts', import.meta.url)),
        build: { outDir: uiDir, emptyOutDir: true },
        logLevel: 'error',
      }),
    ]);
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl), uiDir });
    [runner, browser] = await Promise.all([
      startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'assistant-ui-runner' }),
      launchTestBrowser(),
    ]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
    await rm(uiDir, { recursive: true, force: true });
  });

  /** A page of its own (each in its own window, so none is a background tab), open on the conversation and live. */
  async function openConversation(conversationId: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/c/${conversationId}`);
    await page.locator('[data-testid=connection-status][data-state=live]').waitFor();
    return page;
  }

  async function createConversation(): Promise<string> {
    const created = await server.api('/api/conversations', { body: {} });
    expect(created.status).toBe(201);
    return created.body.conversation.id;
  }

  async function send(page: Page, text: string) {
    await page.getByTestId('composer-input').fill(text);
    await page.getByTestId('composer-send').click();
  }

  /** The conversation's messages as the server stores them. */
  async function storedMessages(conversationId: string): Promise<ChatMessage[]> {
    return (await server.api(`/api/conversations/${conversationId}`)).body.messages;
  }

  /**
   * Records, from now on, every text the page's newest reply shows (each change once), so a test
   * can tell afterwards what it showed on the way to its final text, however fast that came.
   */
  async function recordReplyTexts(page: Page) {
    await page.evaluate(() => {
      const texts: string[] = [];
      Object.assign(window, { __replyTexts: texts });
      new MutationObserver(() => {
        const reply = [...document.querySelectorAll('[data-testid=message][data-role=assistant] .message-body')].at(-1);
        const text = reply?.textContent ?? '';
        if (text !== texts.at(-1)) texts.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  const recordedReplyTexts = (page: Page) => page.evaluate(() => (window as unknown as { __replyTexts: string[] }).__replyTexts);

  const lastReply = (page: Page) => page.locator('[data-testid=message][data-role=assistant]').last();

  /** What the usage line shows for this usage: the model, tokens in and out, and the cost to four decimals. */
  function usageText(usage: Usage): RegExp {
    return new RegExp(`${usage.model}.*${usage.inputTokens} tokens in, ${usage.outputTokens} out · \\$${usage.costUsd!.toFixed(4)}`);
  }

  /** The chat model's request for a closing message: the server tells it which run has just ended. */
  function isClosingRequest(request: FakeRequest): boolean {
    return request.body.messages.some((message: { role: string; content: unknown }) => message.role === 'system' && String(message.content).includes('has just ended'));
  }

  /** What the run's steps read, as the closing request tells the model. */
  function valueReadIn(request: FakeRequest): string | undefined {
    for (const message of request.body.messages) {
      const read = /read: "([^"]*)"/.exec(typeof message.content === 'string' ? message.content : JSON.stringify(message.content));
      if (read) return read[1];
    }
    return undefined;
  }

  /** Answers planner requests with these steps, closing requests by quoting what the run read, and chat requests with `chat`. */
  function answerWith({ steps, chat }: { steps: Step[]; chat: FakeAnswer }) {
    fake.respond((request) => {
      if (request.body.model === 'fake-planner') return { content: JSON.stringify({ reply: 'Here is a plan.', steps }) };
      if (isClosingRequest(request)) return textAnswer(`Done. The page says: “${valueReadIn(request) ?? 'nothing'}”.`);
      return chat;
    });
  }

  it('streams a reply into every tab as markdown, then the plan is edited, run and closed with what it read', async () => {
    const conversationId = await createConversation();
    const [first, second] = [await openConversation(conversationId), await openConversation(conversationId)];
    const steps: Step[] = [
      { type: 'goto', url: `${server.baseUrl}/demo/login` },
      { type: 'fill', target: 'Email', value: 'bob@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'click', target: 'Sign in' },
      { type: 'screenshot' },
      { type: 'extract', target: 'Signed in as' },
    ];
    const reply = 'Sure. I will **sign in** to the demo:\n\n- open the login page\n- read who is signed in\n\nHere is the plan.';
    answerWith({
      steps,
      // A pause before each streamed piece, so each shows on its own.
      chat: { ...textAnswer(reply), deltaDelayMs: 40, toolCalls: [{ name: 'propose_plan', arguments: { task: 'Sign in to the demo and read who is signed in.' } }] },
    });
    for (const page of [first, second]) await recordReplyTexts(page);
    await send(first, 'sign in to the demo and tell me who is signed in');

    for (const page of [first, second]) {
      const answer = lastReply(page);
      await answer.locator('strong', { hasText: 'sign in' }).waitFor();
      await expect.poll(() => answer.locator('.markdown li').allTextContents()).toEqual(['open the login page', 'read who is signed in']);
      await answer.locator('[data-testid=tool-chip][data-state=done]', { hasText: 'Proposed a plan' }).waitFor();
      await answer.locator('[data-testid=run-card][data-status=planned]').waitFor();
      // The text grew piece by piece in both tabs: it showed its start long before its end, in several steps.
      const partial = (await recordedReplyTexts(page)).filter((text) => text.includes('Sure.') && !text.includes('Here is the plan.'));
      expect(partial.length).toBeGreaterThanOrEqual(3);
    }

    // Usage: the reply's (the chat model and the planner it called) and the plan's own.
    const [, stored] = await storedMessages(conversationId);
    const planned = stored!.parts.find((part) => part.type === 'data-plan')!.data;
    await expect.poll(async () => (await storedMessages(conversationId))[1]?.metadata.usage).toBeDefined();
    const replyUsage = (await storedMessages(conversationId))[1]!.metadata.usage!;
    expect(replyUsage.model).toContain('fake-chat');
    // The conversation's one card; the closing message comes after it.
    const card = first.getByTestId('run-card');
    await expect.poll(() => lastReply(first).locator(':scope > [data-testid=usage]').textContent()).toMatch(usageText(replyUsage));
    expect(await card.getByTestId('usage').textContent()).toMatch(usageText(planned.usage!));

    // Edit: fix the email, delete the screenshot step, add a check and move it up; each step is checked as it changes.
    await card.getByRole('button', { name: 'Edit' }).click();
    const editor = card.getByTestId('plan-editor');
    const address = editor.getByRole('group', { name: 'Step 1: Go to a page' }).getByLabel('Address');
    await address.fill('not a web address');
    await editor.getByText('Enter a full address, starting with http:// or https://.').waitFor();
    expect(await address.getAttribute('aria-invalid')).toBe('true');
    await address.fill(`${server.baseUrl}/demo/login`);
    await editor.getByText('Enter a full address').waitFor({ state: 'detached' });
    await editor.getByRole('group', { name: 'Step 2: Type into a field' }).getByLabel('Text to type').fill('alice@example.com');
    await editor.getByRole('button', { name: 'Delete step 5' }).click();
    await expect.poll(() => editor.getByTestId('step-editor').count()).toBe(5);
    await editor.getByLabel('Add a step').selectOption({ label: 'Check the page shows text' });
    await editor.getByRole('button', { name: 'Add step' }).click();
    const check = editor.getByRole('group', { name: 'Step 6: Check the page shows text' }).getByLabel('Text the page must show');
    await expect.poll(() => check.evaluate((field) => field === document.activeElement)).toBe(true);
    await check.fill('Dashboard');
    await editor.getByRole('button', { name: 'Move step 6 up' }).click();
    // The moved step keeps focus on the button that moved it, under its new number.
    const movedUp = editor.getByRole('button', { name: 'Move step 5 up' });
    await expect.poll(() => movedUp.evaluate((button) => button === document.activeElement)).toBe(true);
    await editor.getByRole('button', { name: 'Save' }).click();

    for (const page of [first, second]) {
      const edited = page.getByTestId('run-card');
      await expect.poll(() => edited.locator('.run-card-title').textContent()).toContain('6 steps · version 2');
      // The title and the steps may render in separate frames after the save: wait for the steps too.
      await expect.poll(() => edited.getByTestId('step').allTextContents()).toEqual([
        expect.stringContaining(`Go to ${server.baseUrl}/demo/login`),
        expect.stringContaining('Type "alice@example.com" into "Email"'),
        expect.stringContaining('Type "secret" into "Password"'),
        expect.stringContaining('Click "Sign in"'),
        expect.stringContaining('Check that the page shows "Dashboard"'),
        expect.stringContaining('Read the text of "Signed in as"'),
      ]);
    }

    // Run: the run shows in the same card and succeeds in Chromium against the demo site.
    await card.getByRole('button', { name: 'Run', exact: true }).click();
    await card.and(first.locator('[data-status=succeeded]')).waitFor({ timeout: 30_000 });
    expect(await first.getByTestId('run-card').count()).toBe(1);

    // The closing message, written by the model once the run ended, quotes what the run read.
    for (const page of [first, second]) {
      const closing = lastReply(page);
      await closing.getByText('Done. The page says: “Signed in as alice@example.com').waitFor({ timeout: 15_000 });
      await expect.poll(() => closing.getAttribute('data-status')).toBe('complete');
      await expect.poll(() => closing.getByTestId('usage').textContent()).toContain('fake-chat');
    }
    const closingRequest = fake.received.findLast(isClosingRequest)!;
    expect(JSON.stringify(closingRequest.body.messages)).not.toContain('bob@example.com');
  }, 60_000);

  it('stops a reply mid-stream, keeps what it said, and then answers the next message', async () => {
    const conversationId = await createConversation();
    const page = await openConversation(conversationId);
    // The model sends four pieces, then goes quiet until the reply is stopped.
    answerWith({ steps: [], chat: { ...textAnswer('Let me look into the status page for you.'), interrupt: { afterDeltas: 4, then: 'stall' } } });
    await send(page, 'how is the status page doing?');

    const reply = lastReply(page);
    await reply.getByText('Let me look into').waitFor();
    const stalled = fake.received.at(-1)!;
    // A tab that opens mid-reply gets what was written so far, whole.
    const late = await openConversation(conversationId);
    await lastReply(late).getByText('Let me look into').waitFor();
    await page.getByTestId('composer-stop').click();

    for (const tab of [page, late]) {
      await lastReply(tab).and(tab.locator('[data-status=stopped]')).waitFor();
      await lastReply(tab).getByTestId('reply-stopped').waitFor();
      expect(await lastReply(tab).locator('.markdown').textContent()).toBe('Let me look into');
    }
    expect(await stalled.outcome).toBe('aborted');
    expect((await storedMessages(conversationId))[1]).toMatchObject({ metadata: { status: 'stopped' }, parts: [{ type: 'text', text: 'Let me look into' }] });

    answerWith({ steps: [], chat: textAnswer('Everything is operational.') });
    await send(page, 'and now?');
    const next = lastReply(page);
    await next.getByText('Everything is operational.').waitFor();
    await expect.poll(() => next.getAttribute('data-status')).toBe('complete');
    await page.getByTestId('composer-send').waitFor();
  });

  it('says why a proposed plan could not run, and discards it', async () => {
    const conversationId = await createConversation();
    const page = await openConversation(conversationId);
    answerWith({
      steps: [{ type: 'goto', url: `${server.baseUrl}/demo/form` }],
      chat: { toolCalls: [{ name: 'propose_plan', arguments: { task: 'Open the demo form page.' } }] },
    });
    await send(page, 'open the demo form page');
    const card = page.getByTestId('run-card');
    await card.and(page.locator('[data-status=planned]')).waitFor();

    // With as many runs waiting as a person may have, the server refuses, and the card says why.
    const backlog = await createConversation();
    let status = 201;
    while (status === 201) status = (await server.api('/api/runs', { body: { steps: [{ type: 'wait', ms: 60_000 }], conversationId: backlog } })).status;
    expect(status).toBe(429);
    await card.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('runs waiting, the most allowed at once');
    // Deleting their conversation stops them all.
    expect((await server.api(`/api/conversations/${backlog}`, { method: 'DELETE' })).status).toBe(204);

    await card.getByRole('button', { name: 'Discard' }).click();
    await card.and(page.locator('[data-status=discarded]')).waitFor();
    await card.getByText('Discarded: this plan will not run.').waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
  });

  it('runs a proposed plan at once when the conversation runs plans without asking', async () => {
    const conversationId = await createConversation();
    const page = await openConversation(conversationId);
    const toggle = page.getByRole('switch', { name: 'Run plans without asking' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
    expect((await server.api(`/api/conversations/${conversationId}`)).body.conversation.autoRun).toBe(true);

    answerWith({
      steps: [{ type: 'goto', url: `${server.baseUrl}/demo/form` }, { type: 'extract', target: 'h1' }],
      chat: { toolCalls: [{ name: 'propose_plan', arguments: { task: 'Read the heading of the demo form page.' } }] },
    });
    await send(page, 'what is the heading of the demo form page?');
    const card = page.getByTestId('run-card');
    await card.and(page.locator('[data-status=succeeded]')).waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0);
    await lastReply(page).getByText('Done. The page says: “Settings and search”.').waitFor({ timeout: 15_000 });
    // Reloaded, the page reads the setting back from the server.
    await page.reload();
    await expect.poll(() => page.getByRole('switch', { name: 'Run plans without asking' }).getAttribute('aria-checked')).toBe('true');
  }, 60_000);

  it('says why a reply failed when the model provider keeps failing', async () => {
    const conversationId = await createConversation();
    const page = await openConversation(conversationId);
    const before = fake.received.length;
    answerWith({ steps: [], chat: { status: 500, error: 'the fake provider is down' } });
    await send(page, 'hello?');

    const reply = lastReply(page);
    // The server waits before it retries: meanwhile the reply is being written and has said nothing.
    await reply.getByTestId('typing').waitFor();
    const failure = reply.getByRole('alert');
    await expect.poll(() => failure.textContent(), { timeout: 15_000 }).toContain('The language model answered with an error (HTTP 500)');
    expect(await reply.getAttribute('data-status')).toBe('failed');
    expect(await reply.getByTestId('typing').count()).toBe(0);
    // One try and one retry, as configured.
    expect(fake.received.slice(before).map((request) => request.body.model)).toEqual(['fake-chat', 'fake-chat']);
    await page.getByTestId('composer-send').waitFor();
  });
});
