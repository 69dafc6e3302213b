import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { CHROMIUM_ARGS, openRunnerBrowser } from '../browser/open-browser.ts';
import { findChrome } from '../browser/find-chrome.ts';
import { startFixtureServer } from './fixture-server.ts';

test('attaches to a running Chromium over CDP', async ({ onTestFinished }) => {
  const server = await startFixtureServer();
  onTestFinished(() => server.close());
  const profile = await mkdtemp(join(tmpdir(), 'cdp-profile-'));
  const chromium = spawn(findChrome(), [...CHROMIUM_ARGS, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The profile goes once Chromium has exited: it writes there until then.
  onTestFinished(async () => {
    if (chromium.exitCode === null) {
      chromium.kill();
      await once(chromium, 'exit');
    }
    await rm(profile, { recursive: true, force: true });
  });

  // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" once it accepts connections.
  let cdpUrl: string | undefined;
  for await (const line of createInterface({ input: chromium.stderr })) {
    cdpUrl = /DevTools listening on (ws:\/\/\S+)/.exec(line)?.[1];
    if (cdpUrl) break;
  }
  expect(cdpUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\//);

  const { browser, devtoolsUrl } = await openRunnerBrowser({ cdpUrl });
  onTestFinished(() => browser.close());
  // What Stagehand attaches with: the same browser's WebSocket address.
  expect(await devtoolsUrl()).toBe(cdpUrl);
  // Only a browser we attached to has a tab already open: the about:blank we started it with.
  expect(browser.contexts().flatMap((context) => context.pages().map((page) => page.url()))).toEqual(['about:blank']);
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url('/login.html'));
  expect(await page.title()).toBe('Sign in');
});
