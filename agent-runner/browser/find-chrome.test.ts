import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrowserNotFoundError } from './browser-not-found-error.ts';
import { findChrome } from './find-chrome.ts';

let dir: string;
/** An empty HOME, so the developer's own Playwright cache cannot leak into a test. */
let emptyHome: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'find-chrome-'));
  emptyHome = { HOME: join(dir, 'home') };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(path: string, mode = 0o755): Promise<string> {
  const fullPath = join(dir, path);
  await mkdir(join(fullPath, '..'), { recursive: true });
  await writeFile(fullPath, '#!/bin/sh\n');
  await chmod(fullPath, mode);
  return fullPath;
}

function thrown(run: () => unknown): BrowserNotFoundError {
  try {
    run();
  } catch (error) {
    if (BrowserNotFoundError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected findChrome to throw');
}

describe('findChrome', () => {
  it('uses CHROME_PATH first', async () => {
    const chrome = await file('custom/chrome');
    const wellKnown = await file('usr/bin/chromium');
    expect(findChrome({ env: { ...emptyHome, CHROME_PATH: chrome }, candidates: [wellKnown] })).toBe(chrome);
  });

  it('fails naming CHROME_PATH and its value when it is missing or not executable', async () => {
    const wellKnown = await file('usr/bin/chromium');
    const missing = join(dir, 'nowhere/chrome');
    const missingError = thrown(() => findChrome({ env: { CHROME_PATH: missing }, candidates: [wellKnown] }));
    expect(missingError.code).toBe('invalid-chrome-path');
    expect(missingError.message).toContain(`CHROME_PATH is set to ${missing}`);

    const notExecutable = await file('plain/chrome', 0o644);
    expect(thrown(() => findChrome({ env: { CHROME_PATH: notExecutable }, candidates: [wellKnown] })).message).toContain(notExecutable);
  });

  it('takes the first candidate that is an executable file', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    const notExecutable = await file('b/chrome', 0o644);
    const second = await file('c/chromium');
    const third = await file('d/google-chrome');
    const candidates = [join(dir, 'missing'), folder, notExecutable, second, third];
    expect(findChrome({ env: emptyHome, candidates })).toBe(second);
  });

  it("falls back to the newest Chromium in Playwright's cache", async () => {
    await file('home/.cache/ms-playwright/chromium-1100/chrome-linux/chrome');
    const newest = await file('home/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome');
    // A newer revision without a usable executable is skipped.
    await mkdir(join(dir, 'home/.cache/ms-playwright/chromium-1300'), { recursive: true });
    await file('home/.cache/ms-playwright/firefox-2000/firefox/firefox');
    expect(findChrome({ env: emptyHome, candidates: [] })).toBe(newest);
  });

  it('honours PLAYWRIGHT_BROWSERS_PATH', async () => {
    const chrome = await file('browsers/chromium-1200/chrome-linux/chrome');
    expect(findChrome({ env: { ...emptyHome, PLAYWRIGHT_BROWSERS_PATH: join(dir, 'browsers') }, candidates: [] })).toBe(chrome);
  });

  it('explains how to install a browser when there is none', () => {
    const error = thrown(() => findChrome({ env: emptyHome, candidates: [join(dir, 'missing')] }));
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    expect(error.code).toBe('browser-not-found');
    expect(error.message).toContain('No Chrome or Chromium found');
    expect(error.message).toContain('CHROME_PATH');
    expect(error.message).toContain('sudo apt-get install -y chromium');
    expect(error.message).toContain('npx playwright install chromium');
  });
});
