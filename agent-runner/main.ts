// Entry point of a runner process: connects to SERVER_URL and executes runs in Chromium.
import { existsSync } from 'node:fs';
import { ConfigError } from '../protocol/index.ts';
import { openRunnerBrowser } from './browser/open-browser.ts';
import { BrowserNotFoundError } from './browser/browser-not-found-error.ts';
import { loadRunnerConfig, type RunnerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startRunner } from './runner.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

let config: RunnerConfig;
try {
  config = loadRunnerConfig(process.env);
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, name: 'runner' });

try {
  const runner = await startRunner({
    serverUrl: config.serverUrl,
    token: config.token,
    name: config.name,
    concurrency: config.concurrency,
    logger,
    // Without a CDP URL, findChrome (inside openRunnerBrowser) checks CHROME_PATH and names what is wrong with it.
    openBrowser: () => openRunnerBrowser({ headless: config.headless, ...(config.cdpUrl && { cdpUrl: config.cdpUrl }) }),
    onFatal(message) {
      console.error(`skipper runner stopped: ${message}`);
      void runner.stop().then(() => process.exit(1));
    },
  });
  const stop = () => void runner.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const message = BrowserNotFoundError.isInstance(error) ? error.message : `could not start: ${(error as Error).message}`;
  console.error(`skipper runner: ${message}`);
  process.exit(1);
}
