import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BrowserNotFoundError } from './browser-not-found-error.ts';

/** Where Chrome or Chromium usually lives, checked in this order. */
export const WELL_KNOWN_CHROME_PATHS: readonly string[] = [
  // Debian, Ubuntu and most Linux distributions
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  // macOS
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  // Windows
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

export type FindChromeOptions = {
  /** Environment to read `CHROME_PATH`, `PLAYWRIGHT_BROWSERS_PATH` and `HOME` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Paths to try after `CHROME_PATH`, in order. Default: `WELL_KNOWN_CHROME_PATHS`. */
  candidates?: readonly string[];
};

/**
 * Path of a Chrome or Chromium executable: `CHROME_PATH`, then the first well-known path
 * that exists, then the newest Chromium in Playwright's browser cache.
 * Throws `BrowserNotFoundError` saying how to install one when there is none.
 */
export function findChrome(options: FindChromeOptions = {}): string {
  const env = options.env ?? process.env;
  const chromePath = env.CHROME_PATH;
  if (chromePath) {
    if (isExecutableFile(chromePath)) return chromePath;
    throw new BrowserNotFoundError(
      'invalid-chrome-path',
      `CHROME_PATH is set to ${chromePath}, which is not an executable file. Point it at a Chrome or Chromium executable, or unset it to search the usual places.`,
    );
  }
  const found = (options.candidates ?? WELL_KNOWN_CHROME_PATHS).find(isExecutableFile) ?? findInPlaywrightCache(env);
  if (found) return found;
  throw new BrowserNotFoundError(
    'browser-not-found',
    [
      'No Chrome or Chromium found. Set CHROME_PATH to the browser executable, or install one:',
      '  Debian/Ubuntu: sudo apt-get install -y chromium',
      "  Playwright's build: npx playwright install chromium",
    ].join('\n'),
  );
}

/** The newest `chromium-<revision>` build that `npx playwright install chromium` left behind. */
function findInPlaywrightCache(env: NodeJS.ProcessEnv): string | undefined {
  const cacheDir = env.PLAYWRIGHT_BROWSERS_PATH || join(env.HOME || homedir(), '.cache', 'ms-playwright');
  const builds = listDirectory(cacheDir)
    .map((name) => ({ name, revision: Number(/^chromium-(\d+)$/.exec(name)?.[1]) }))
    .filter((build) => Number.isInteger(build.revision))
    .sort((a, b) => b.revision - a.revision);
  for (const build of builds) {
    const buildDir = join(cacheDir, build.name);
    // chrome-linux before 2024, chrome-linux64 since
    const platformDirs = listDirectory(buildDir).filter((name) => name.startsWith('chrome-linux'));
    const executable = platformDirs.map((name) => join(buildDir, name, 'chrome')).find(isExecutableFile);
    if (executable) return executable;
  }
  return undefined;
}

function listDirectory(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
