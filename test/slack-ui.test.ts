import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../agent-runner/testing.ts';
import { signSlackRequest } from '../server/slack/verify-slack-signature.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Linking Slack from the chat UI, in real Chromium: the sidebar gives a one-time code, and that
// code sent from Slack links the Slack account; with Slack not set up, the button says so.

const SECRET = 'a-signing-secret-for-the-ui-test-0123456789';

describe('Link Slack in the sidebar', () => {
  let uiDir: string;
  let server: TestServer;
  let unconfigured: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'skipper-ui-'));
    await build({ configFile: fileURLToPath(new URL('../chat-ui/vite.config.ts', import.meta.url)), build: { outDir: uiDir, emptyOutDir: true }, logLevel: 'error' });
    [server, unconfigured, browser] = await Promise.all([startTestServer({ uiDir, slackSigningSecret: SECRET }), startTestServer({ uiDir }), launchTestBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), unconfigured?.stop()]);
    await Promise.all([server?.database.drop(), unconfigured?.database.drop()]);
    await rm(uiDir, { recursive: true, force: true });
  });

  async function slackLink(code: string): Promise<string> {
    const body = new URLSearchParams({ team_id: 'T0UI', user_id: 'U0UI', command: '/skipper', text: `link ${code}`, response_url: 'https://hooks.slack.com/commands/T0UI/1/x', trigger_id: crypto.randomUUID() }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${server.baseUrl}/api/slack/commands`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': `v0=${signSlackRequest(SECRET, timestamp, Buffer.from(body))}` },
      body,
    });
    const answer = (await response.json()) as { text: string };
    if (!answer.text) throw new Error(JSON.stringify(answer));
    return answer.text;
  }

  it('gives a code that links the Slack account that sends it', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.baseUrl);
      await page.getByText('Link Slack').click();
      await page.getByRole('button', { name: 'Get a code' }).click();
      const shown = (await page.getByTestId('slack-link-code').textContent())!;
      expect(shown).toMatch(/^\/link [2-9A-Z]{4}-[2-9A-Z]{4}$/);
      expect(await slackLink(shown.replace('/link ', ''))).toMatch(/^Linked/);
      // Used up; a new one can be had.
      expect(await slackLink(shown.replace('/link ', ''))).toMatch(/^That code does not work/);
      await page.getByRole('button', { name: 'Get a new code' }).click();
      await expect.poll(() => page.getByTestId('slack-link-code').textContent()).not.toBe(shown);
    } finally {
      await page.close();
    }
  });

  it('says Slack is not set up when it is not', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(unconfigured.baseUrl);
      await page.getByText('Link Slack').click();
      await page.getByRole('button', { name: 'Get a code' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Slack is not set up on this skipper');
    } finally {
      await page.close();
    }
  });
});
