import { setTimeout as sleep } from 'node:timers/promises';
import { Stagehand } from '@browserbasehq/stagehand';
import type { Page } from 'playwright-core';
import type { OpenedBrowser } from '../browser/open-browser.ts';
import type { Logger } from '../logger.ts';
import { StepError } from '../steps/step-error.ts';
import { BridgedLlmClient, createBridgedLanguageModel } from './stagehand-model.ts';

/** Stagehand's own handle of a page. */
export type StagehandPage = NonNullable<ReturnType<Stagehand['context']['resolvePageByMainFrameId']>>;

export type AttachedPage = {
  stagehand: Stagehand;
  page: StagehandPage;
  /**
   * Runs `work` alone among the exclusive work of this Stagehand. Its agent drives whichever page
   * it last made "active", one per Stagehand, so two agents at once would steer each other.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
};

export type StagehandSessions = {
  /** Stagehand attached to the browser `page` lives in (attached on first use), and its handle of `page`. */
  attach(page: Page, signal: AbortSignal): Promise<AttachedPage>;
  /** Detaches Stagehand; the browser and its pages stay. */
  close(): Promise<void>;
};

export type StagehandSessionsOptions = {
  /** The runner's browser, which may be relaunched between runs. */
  currentBrowser(): Promise<OpenedBrowser>;
  /** Gets Stagehand's errors at debug level; never its prompts or page text. */
  logger?: Logger;
};

type Session = { browser: OpenedBrowser['browser']; ready: Promise<Stagehand>; exclusive: Promise<unknown> };

/** How long Stagehand may take to notice a page Playwright made (it attaches asynchronously). */
const ATTACH_TIMEOUT_MS = 5_000;
/** How long to give Stagehand's cached URL of a new page to catch up with Playwright's. */
const URL_SETTLE_MS = 300;
const POLL_MS = 20;

/**
 * One Stagehand per runner process, attached over CDP to the browser the runner already drives
 * with Playwright, so AI steps act on the run's own page. Made on the first AI step, and made
 * again for a relaunched browser.
 */
export function createStagehandSessions(options: StagehandSessionsOptions): StagehandSessions {
  let session: Session | undefined;

  function sessionFor(opened: OpenedBrowser): Session {
    if (session?.browser === opened.browser) return session;
    if (session) void closeSession(session);
    const created: Session = { browser: opened.browser, ready: start(opened), exclusive: Promise.resolve() };
    created.ready.catch(() => {
      if (session === created) session = undefined;
    });
    opened.browser.once('disconnected', () => {
      if (session === created) session = undefined;
      void closeSession(created);
    });
    session = created;
    return created;
  }

  async function start(opened: OpenedBrowser): Promise<Stagehand> {
    const stagehand = new Stagehand({
      env: 'LOCAL',
      // Attach to our browser; Stagehand launches nothing.
      localBrowserLaunchOptions: { cdpUrl: await opened.devtoolsUrl() },
      llmClient: new BridgedLlmClient(createBridgedLanguageModel()),
      // skipper heals replays itself, through the server's model: Stagehand must not make hidden calls.
      selfHeal: false,
      // Needed for `excludeTools` in agent steps.
      experimental: true,
      disableAPI: true,
      // No cacheDir: compiled steps are stored by the server with the plan (ARCHITECTURE D12).
      disablePino: true,
      verbose: 0,
      // Stagehand's log lines can quote prompts and pages; only the gist of errors is kept.
      logger: (line) => {
        if (line.level === 0) options.logger?.debug({ category: line.category }, `stagehand: ${line.message.slice(0, 200)}`);
      },
    });
    await stagehand.init();
    return stagehand;
  }

  return {
    async attach(page, signal) {
      const opened = await options.currentBrowser();
      if (page.context().browser() !== opened.browser) throw new StepError('browser-error', 'The browser closed during the run');
      let current = sessionFor(opened);
      let stagehand = await current.ready;
      // Stagehand shuts itself down when its CDP connection drops; attach a new one.
      if (!stagehand.context) {
        if (session === current) session = undefined;
        current = sessionFor(opened);
        stagehand = await current.ready;
      }
      const attached = current;
      return {
        stagehand,
        page: await stagehandPageFor(stagehand, page, signal),
        exclusive<T>(work: () => Promise<T>): Promise<T> {
          const result = attached.exclusive.then(work);
          attached.exclusive = result.catch(() => undefined);
          return result;
        },
      };
    },
    async close() {
      const closing = session;
      session = undefined;
      if (closing) await closeSession(closing);
    },
  };
}

async function closeSession(session: Session): Promise<void> {
  const stagehand = await session.ready.catch(() => undefined);
  // Closes Stagehand's own CDP connection only: the browser was attached to, not launched.
  await stagehand?.close().catch(() => {});
}

/**
 * Stagehand's page for a Playwright page, found by the id of its main frame. Stagehand learns of
 * new pages asynchronously, so it is waited for; passing the Playwright page to Stagehand instead
 * fails on a fresh page and opens a CDP session per call that is never closed.
 */
async function stagehandPageFor(stagehand: Stagehand, page: Page, signal: AbortSignal): Promise<StagehandPage> {
  const cdp = await page.context().newCDPSession(page);
  let frameId: string;
  try {
    frameId = (await cdp.send('Page.getFrameTree')).frameTree.frame.id;
  } finally {
    await cdp.detach().catch(() => {});
  }
  const startedAt = Date.now();
  for (;;) {
    const found = stagehand.context.resolvePageByMainFrameId(frameId);
    const waitedMs = Date.now() - startedAt;
    // The agent tells the model where it starts from Stagehand's cached URL, which may lag behind.
    if (found && (found.url() === page.url() || waitedMs > URL_SETTLE_MS)) return found;
    if (waitedMs > ATTACH_TIMEOUT_MS) throw new StepError('browser-error', 'Stagehand did not attach to the page');
    await sleep(POLL_MS, undefined, { signal });
  }
}
