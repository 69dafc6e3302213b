import { chromium, type Browser } from 'playwright-core';
import { findChrome } from './find-chrome.ts';

/**
 * Flags for every Chromium we launch. `--no-sandbox` because runners often run as root
 * in containers, where the sandbox cannot start; the rest stop Chromium from phoning home
 * or doing background work that slows a 2-core machine and makes runs less repeatable.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type OpenBrowserOptions = {
  /** Chrome or Chromium to launch. Default: `findChrome()`. Ignored with `cdpUrl`. */
  executablePath?: string;
  /** Attach to a running Chromium over CDP (an `http://` or `ws://` DevTools URL) instead of launching one. */
  cdpUrl?: string;
  /** Launch without a window. Default: true. Ignored with `cdpUrl`. */
  headless?: boolean;
  /** How long launching or attaching may take, in milliseconds. Default: 30 000. */
  timeoutMs?: number;
};

/** Launches a local Chromium, or attaches to a remote one when `cdpUrl` is given (ARCHITECTURE D5). */
export async function openBrowser(options: OpenBrowserOptions = {}): Promise<Browser> {
  const timeout = options.timeoutMs ?? 30_000;
  if (options.cdpUrl) return chromium.connectOverCDP(options.cdpUrl, { timeout });
  return chromium.launch({
    executablePath: options.executablePath ?? findChrome(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS],
    timeout,
  });
}
