import { chromium, type Browser } from 'playwright-core';
import { devtoolsUrl, freeLocalPort } from './devtools-url.ts';
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
export function openBrowser(options: OpenBrowserOptions = {}): Promise<Browser> {
  return launchOrAttach(options, []);
}

export type OpenedBrowser = {
  browser: Browser;
  /** The same browser's DevTools WebSocket URL, for Stagehand (AI steps); looked up on first use. */
  devtoolsUrl(): Promise<string>;
};

/** The browser a runner works in: `openBrowser`, which Stagehand can also attach to (AI steps). */
export async function openRunnerBrowser(options: OpenBrowserOptions = {}): Promise<OpenedBrowser> {
  const { cdpUrl } = options;
  if (cdpUrl) return { browser: await launchOrAttach(options, []), devtoolsUrl: memoize(() => devtoolsUrl({ cdpUrl })) };
  // Playwright drives Chromium over a pipe; Stagehand can only attach over a WebSocket, so the
  // browser also listens on a loopback port (Chromium binds 127.0.0.1 only).
  const port = await freeLocalPort();
  const browser = await launchOrAttach(options, [`--remote-debugging-port=${port}`]);
  return { browser, devtoolsUrl: memoize(() => devtoolsUrl({ cdpUrl: `http://127.0.0.1:${port}` })) };
}

function launchOrAttach(options: OpenBrowserOptions, extraArgs: string[]): Promise<Browser> {
  const timeout = options.timeoutMs ?? 30_000;
  if (options.cdpUrl) return chromium.connectOverCDP(options.cdpUrl, { timeout });
  return chromium.launch({
    executablePath: options.executablePath ?? findChrome(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout,
  });
}

/** Runs `load` once; a failure is not kept, so the next call tries again. */
function memoize(load: () => Promise<string>): () => Promise<string> {
  let loading: Promise<string> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
