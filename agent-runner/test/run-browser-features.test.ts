// Run-level tests of what the runner does around the steps themselves: answering dialogs,
// collecting downloads, applying the plan's browser options and saving the session. Each drives
// executeRun in real Chromium against the fixture server, as the runner does for an assignment.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { RunAssignSchema, RunEndSchema, SessionStateSchema, StepDownloadHeaderSchema, StepEndSchema, StepScreenshotHeaderSchema, StepStartSchema } from '../../protocol/index.ts';
import type { DialogRecord, RunAssign, Step, StepEnd, StorageState, Target } from '../../protocol/index.ts';
import { newRunPage } from '../browser/run-pages.ts';
import { executeRun, type RunOutcome } from '../run/execute-run.ts';
import { browserTest as test } from './browser-test.ts';
import { downloadBytes, type FixtureServer } from './fixture-server.ts';

type RunSetup = Pick<RunAssign, 'browser' | 'storageState'>;

function assignment(steps: Step[], setup: RunSetup = {}): RunAssign {
  return RunAssignSchema.parse({
    type: 'run-assign',
    runId: randomUUID(),
    attempt: 1,
    steps,
    settings: { stepTimeoutMs: 5000, aiStepTimeoutMs: 30_000, screenshotQuality: 60 },
    compiled: [],
    ...setup,
  });
}

type Download = { index: number; fileName: string; mimeType: string; bytes: Uint8Array };

type RunRecord = {
  runEnd: RunOutcome;
  /** Every report in order: `start 1`, `screenshot 1`, `download 1`, `end 1 succeeded`, `session-state`. */
  labels: string[];
  stepEnds: Omit<StepEnd, 'seq'>[];
  downloads: Download[];
  sessionStates: StorageState[];
  /** The run's first tab (closed by now). */
  page: Page;
  screenshots: Uint8Array[];
};

type ExecuteHooks = {
  /** Called when step `index`'s end is reported, with the run's first tab, while the run goes on. */
  onStepEnd?(index: number, page: Page): void;
};

/**
 * Executes the assignment as the runner does (a page in a context made from its browser options
 * and saved session), checking every report against the wire schemas, and returns what it reported.
 */
async function executeAssignment(browser: Browser, run: RunAssign, hooks: ExecuteHooks = {}): Promise<RunRecord> {
  const record: Omit<RunRecord, 'runEnd' | 'page'> = { labels: [], stepEnds: [], downloads: [], sessionStates: [], screenshots: [] };
  let page: Page | undefined;
  const runEnd = await executeRun({
    openPage: async () => (page = await newRunPage(browser, run)),
    assignment: run,
    onMessage(message) {
      if (message.type === 'step-start') {
        StepStartSchema.omit({ seq: true }).parse(message);
        record.labels.push(`start ${message.index}`);
      } else if (message.type === 'step-end') {
        record.stepEnds.push(StepEndSchema.omit({ seq: true }).parse(message));
        record.labels.push(`end ${message.index} ${message.status}`);
        hooks.onStepEnd?.(message.index, page!);
      } else {
        record.sessionStates.push(SessionStateSchema.omit({ seq: true }).parse(message).state);
        record.labels.push('session-state');
      }
    },
    onScreenshot(header, jpeg) {
      const { index } = StepScreenshotHeaderSchema.omit({ seq: true }).parse(header);
      record.screenshots.push(jpeg);
      record.labels.push(`screenshot ${index}`);
    },
    onDownload(header, bytes) {
      const { index, fileName, mimeType } = StepDownloadHeaderSchema.omit({ seq: true }).parse(header);
      record.downloads.push({ index, fileName, mimeType, bytes });
      record.labels.push(`download ${index}`);
    },
  });
  RunEndSchema.omit({ seq: true }).parse(runEnd);
  if (!page) throw new Error('the run never opened its page');
  // The run closes its context, with every tab, whatever happened.
  expect(browser.contexts()).not.toContain(page.context());
  return { runEnd, page, ...record };
}

/** Reads the dialogs page's (or frame's) outcome line. */
const readResult = (frame?: string): Step => ({ type: 'extract', target: { by: 'selector', selector: '#result', ...(frame && { frame }) } });

/** What each step of the run read (extract steps), by index; undefined for the others. */
const textsOf = (record: RunRecord) => record.stepEnds.map((end) => end.output?.text);
/** The dialogs each step's end recorded, by index. */
const dialogsOf = (record: RunRecord) => record.stepEnds.map((end) => end.output?.dialogs);

/** Reads an element by its id (the /echo and environment.html pages show one value each). */
const read = (id: string): Step => ({ type: 'extract', target: { by: 'selector', selector: `#${id}` } });

/** A session as the server would hand it over: a cookie for the fixture site, and a value in its local storage. */
function savedSession(server: FixtureServer): StorageState {
  return {
    cookies: [{ name: 'session', value: 'alice', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
    origins: [{ origin: new URL(server.url('/')).origin, localStorage: [{ name: 'theme', value: 'dark' }] }],
  };
}

/** Width and height from a JPEG's start-of-frame segment. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  for (let offset = 2; offset + 9 < jpeg.length; offset += 2 + view.getUint16(offset + 2)) {
    const marker = view.getUint16(offset);
    if (marker === 0xffc0 || marker === 0xffc2) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
  }
  throw new Error('no start-of-frame segment');
}

describe('dialogs', () => {
  const saved: DialogRecord = { type: 'alert', message: 'Saved', answer: 'accepted' };
  const confirmAccepted: DialogRecord = { type: 'confirm', message: 'Delete the report?', answer: 'accepted' };
  const confirmDismissed: DialogRecord = { type: 'confirm', message: 'Delete the report?', answer: 'dismissed' };

  test('by default every dialog is accepted, a prompt with its default value, and each is recorded on its step', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/dialogs.html') },
        { type: 'click', target: 'Save' },
        readResult(),
        { type: 'click', target: 'Delete' },
        readResult(),
        { type: 'click', target: 'Rename' },
        readResult(),
        // "Leave this page?" is accepted too: the page asks, and the goto still leaves it.
        { type: 'click', target: 'Edit' },
        { type: 'goto', url: server.url('/read.html') },
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record)).toEqual([undefined, undefined, 'Saved and told', undefined, 'Deleted', undefined, 'Renamed to Untitled', undefined, undefined]);
    expect(dialogsOf(record)).toEqual([
      undefined,
      [saved],
      undefined,
      [confirmAccepted],
      undefined,
      [{ type: 'prompt', message: 'New name?', answer: 'accepted', text: 'Untitled' }],
      undefined,
      undefined,
      [{ type: 'beforeunload', message: '', answer: 'accepted' }],
    ]);
    expect(record.stepEnds[8]?.output?.url).toBe(server.url('/read.html'));
  });

  test("a step's own answer applies to that step only: dismiss, or a prompt's text", async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/dialogs.html') },
        { type: 'click', target: 'Delete', dialog: 'dismiss' },
        readResult(),
        { type: 'click', target: 'Rename', dialog: 'dismiss' },
        readResult(),
        { type: 'click', target: 'Rename', dialog: { text: 'Q3 final' } },
        readResult(),
        // A text only means something to a prompt: a confirm is simply accepted.
        { type: 'click', target: 'Delete', dialog: { text: 'ignored' } },
        readResult(),
        // No answer of its own: back to the default, whatever the steps before said.
        { type: 'click', target: 'Rename' },
        readResult(),
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record).filter((text) => text !== undefined)).toEqual(['Kept', 'Not renamed', 'Renamed to Q3 final', 'Deleted', 'Renamed to Untitled']);
    expect(dialogsOf(record)).toEqual([
      undefined,
      [confirmDismissed],
      undefined,
      [{ type: 'prompt', message: 'New name?', answer: 'dismissed' }],
      undefined,
      [{ type: 'prompt', message: 'New name?', answer: 'accepted', text: 'Q3 final' }],
      undefined,
      [confirmAccepted],
      undefined,
      [{ type: 'prompt', message: 'New name?', answer: 'accepted', text: 'Untitled' }],
      undefined,
    ]);
  });

  test('a step that dismisses "leave this page?" stays on the page, fails, and its end still records the dialog', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/dialogs.html') },
        { type: 'click', target: 'Edit' }, // the page now asks before it is left
        { type: 'goto', url: server.url('/read.html'), dialog: 'dismiss' },
        { type: 'screenshot' },
      ]),
    );

    expect(record.labels.at(-1)).toBe('end 2 failed');
    expect(record.runEnd).toMatchObject({ status: 'failed', error: { code: 'navigation-failed' } });
    const failed = record.stepEnds[2];
    expect(failed?.error).toEqual({ code: 'navigation-failed', message: 'The page asked to stay open, and the step dismisses dialogs: the page was not left' });
    // A failed step reports the page it left behind: still the report, in the middle of an edit.
    expect(failed?.output).toMatchObject({ url: server.url('/dialogs.html'), dialogs: [{ type: 'beforeunload', message: '', answer: 'dismissed' }] });
    expect(failed?.output?.snapshot).toContain('Editing');
  });

  test("a dialog the page's own timer opens after a step ended is recorded on the next step, answered by default, and blocks nothing", async ({ browser, server }) => {
    // "Remind me" opens its alert from a timer 100 ms after it is pressed. A step that pressed it
    // would race its own screenshot; pressed once step 1's end is reported, the alert surely
    // comes after that step ended, while step 2 waits for something else.
    let pressed: Promise<void> | undefined;
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/dialogs.html') },
        { type: 'click', target: 'Save', dialog: 'dismiss' },
        // Were the alert left open, the page could never go on to show this.
        { type: 'wait', text: 'Reminded' },
        readResult(),
      ]),
      {
        onStepEnd(index, page) {
          if (index === 1) pressed = page.getByRole('button', { name: 'Remind me' }).click();
        },
      },
    );
    await pressed;

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record)[3]).toBe('Reminded');
    expect(dialogsOf(record)).toEqual([
      undefined,
      [{ ...saved, answer: 'dismissed' }],
      // Step 1's "dismiss" was over: the reminder got the default.
      [{ type: 'alert', message: 'Your session expires soon', answer: 'accepted' }],
      undefined,
    ]);
  });

  test('a dialog opened inside a cross-site frame is answered and recorded like one of the page', async ({ browser, server }) => {
    // frames.html loads its wallet frame from the other site (localhost): a process of its own.
    const page = `/frames.html?wallet=${encodeURIComponent(server.crossSiteUrl('/dialogs.html'))}`;
    const inWallet = (name: string): Target => ({ by: 'role', role: 'button', name, frame: '#wallet' });
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url(page) },
        { type: 'click', target: inWallet('Delete'), dialog: 'dismiss' },
        readResult('#wallet'),
        { type: 'click', target: inWallet('Delete') },
        readResult('#wallet'),
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record)).toEqual([undefined, undefined, 'Kept', undefined, 'Deleted']);
    expect(dialogsOf(record)).toEqual([undefined, [confirmDismissed], undefined, [confirmAccepted], undefined]);
  });
});

describe('downloads', () => {
  /** The reports of step `index`, in order, without the others'. */
  const reportsOf = (record: RunRecord, index: number) => record.labels.filter((label) => label.split(' ')[1] === String(index));

  test("each file a click downloads is sent with its bytes, name and type, before that step's end", async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/downloads.html') },
        { type: 'click', target: 'Export CSV' },
        { type: 'click', target: 'Export notes' },
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(reportsOf(record, 1)).toEqual(['start 1', 'screenshot 1', 'download 1', 'end 1 succeeded']);
    expect(reportsOf(record, 2)).toEqual(['start 2', 'screenshot 2', 'download 2', 'end 2 succeeded']);
    const [csv, notes] = record.downloads;
    expect(csv).toEqual({ index: 1, fileName: 'report.csv', mimeType: 'text/csv', bytes: expect.any(Uint8Array) });
    expect(Buffer.from(csv!.bytes).equals(downloadBytes(3000))).toBe(true);
    // The download replaced no page: the run is still on the exports.
    expect(record.stepEnds[1]?.output?.url).toBe(server.url('/downloads.html'));

    // The site suggested "../../etc/pass:wd\n.txt": no directories, no characters a file system refuses.
    expect(notes).toMatchObject({ index: 2, mimeType: 'text/plain' });
    expect(notes?.fileName).toMatch(/^[^./\\][^/\\:*?"<>|\u0000-\u001f]*\.txt$/);
    expect(Buffer.from(notes!.bytes).equals(downloadBytes(10))).toBe(true);
  });

  test('a name longer than a stored file name may be is cut to 255 characters, keeping its extension', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/ledger.html') },
        // Chromium passes this name on whole (300 characters); the runner has to cut it.
        { type: 'click', target: 'Export the full ledger' },
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    const [ledger] = record.downloads;
    expect(ledger?.fileName).toBe(`ledger-${'0'.repeat(244)}.csv`);
    expect(ledger?.mimeType).toBe('text/csv');
    expect(Buffer.from(ledger!.bytes).equals(downloadBytes(20))).toBe(true);
  });

  test('a download that takes longer than the click that started it is waited for, and sent whole', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/downloads.html') },
        // The server sends the archive's second half 300 ms after its first.
        { type: 'click', target: 'Export archive' },
        { type: 'assert', text: 'Exports' },
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(reportsOf(record, 1)).toEqual(['start 1', 'screenshot 1', 'download 1', 'end 1 succeeded']);
    expect(record.downloads).toHaveLength(1);
    const [archive] = record.downloads;
    expect([archive?.fileName, archive?.mimeType, archive?.bytes.length]).toEqual(['archive.zip', 'application/zip', 200_000]);
    expect(Buffer.from(archive!.bytes).equals(downloadBytes(200_000))).toBe(true);
  });

  test('a link that opens a new tab and turns out to be a download gives the file, and no tab', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([
        { type: 'goto', url: server.url('/downloads.html') },
        { type: 'click', target: 'Export in a new tab' },
        // The run is still on the tab it had: the one the link opened closed as it downloaded.
        { type: 'extract', target: { by: 'role', role: 'heading', name: 'Exports' } },
      ]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(reportsOf(record, 1)).toEqual(['start 1', 'screenshot 1', 'download 1', 'end 1 succeeded']);
    expect(record.downloads.map(({ index, fileName, mimeType, bytes }) => ({ index, fileName, mimeType, size: bytes.length }))).toEqual([
      { index: 1, fileName: 'report.csv', mimeType: 'text/csv', size: 3000 },
    ]);
    expect(record.stepEnds[1]?.output).toEqual({ url: server.url('/downloads.html') });
    expect(record.stepEnds[2]?.output).toEqual({ text: 'Exports', url: server.url('/downloads.html') });
  });
});

describe('browser options', () => {
  test("the plan's viewport, locale, time zone, position and user agent are the run's, as the page and the server see them", async ({ browser, server }) => {
    const userAgent = 'SkipperTest/1.0 (plan-set)';
    const run = assignment(
      [
        { type: 'goto', url: server.url('/echo') },
        read('user-agent'),
        read('accept-language'),
        { type: 'goto', url: server.url('/environment.html') },
        read('window-size'),
        read('language'),
        read('time-zone'),
        { type: 'click', target: 'Locate me' },
        // Either outcome says "located": wait for it, then read which.
        { type: 'wait', text: 'located' },
        read('position'),
      ],
      {
        browser: {
          viewport: { width: 800, height: 600 },
          locale: 'de-DE',
          timezoneId: 'Asia/Tokyo',
          geolocation: { latitude: 52.52, longitude: 13.405, accuracy: 10 },
          userAgent,
        },
      },
    );
    const record = await executeAssignment(browser, run);

    expect(record.runEnd.status).toBe('succeeded');
    const [, sentUserAgent, sentLanguages, , windowSize, language, timeZone, , , position] = textsOf(record);
    expect(sentUserAgent).toBe(userAgent);
    expect(sentLanguages).toMatch(/^de-DE\b/);
    expect(windowSize).toBe('800x600');
    expect(language).toBe('de-DE');
    expect(timeZone).toBe('Asia/Tokyo');
    // The run granted the permission itself: no prompt, no refusal.
    expect(position).toBe('Located at 52.52, 13.405 (±10 m)');
    expect(record.page.viewportSize()).toEqual({ width: 800, height: 600 });
    // The pictures after each step are of the plan's viewport too.
    for (const jpeg of record.screenshots) expect(jpegSize(jpeg)).toEqual({ width: 800, height: 600 });
  });

  test('a saved session the run starts from is there before the first request: its cookie is sent and its storage read', async ({ browser, server }) => {
    const run = assignment(
      [{ type: 'goto', url: server.url('/echo') }, read('cookie'), { type: 'goto', url: server.url('/environment.html') }, read('theme')],
      { browser: { session: { use: 'staging' } }, storageState: savedSession(server) },
    );
    const record = await executeAssignment(browser, run);

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record)).toEqual([undefined, 'session=alice', undefined, 'dark']);
    // Using a session is not saving one.
    expect(record.sessionStates).toEqual([]);
  });

  test('without options the run gets the default viewport and nothing of any session', async ({ browser, server }) => {
    const record = await executeAssignment(
      browser,
      assignment([{ type: 'goto', url: server.url('/echo') }, read('cookie'), { type: 'goto', url: server.url('/environment.html') }, read('window-size'), read('theme')]),
    );

    expect(record.runEnd.status).toBe('succeeded');
    expect(textsOf(record)).toEqual([undefined, '(none)', undefined, '1280x800', 'none']);
  });
});

describe('session state', () => {
  /** Opens the account page and signs in, which leaves a cookie and a value in local storage. */
  const signIn = (server: FixtureServer, ...more: Step[]): Step[] => [
    { type: 'goto', url: server.url('/account.html') },
    { type: 'click', target: 'Remember me' },
    ...more,
  ];

  test("a run that saves its session reports the browser's state after its last step and before it ends", async ({ browser, server }) => {
    const run = assignment(signIn(server, { type: 'assert', text: 'Remembered' }), { browser: { session: { saveAs: 'x' } } });
    const record = await executeAssignment(browser, run);

    expect(record.runEnd.status).toBe('succeeded');
    // Reported before executeRun resolved with the run's end, and after every step's end.
    expect(record.labels.slice(-2)).toEqual(['end 2 succeeded', 'session-state']);
    expect(record.sessionStates).toHaveLength(1);
    const [state] = record.sessionStates;
    expect(state?.cookies).toEqual([expect.objectContaining({ name: 'session', value: 'alice', domain: '127.0.0.1', path: '/' })]);
    expect(state?.origins).toEqual([{ origin: new URL(server.url('/')).origin, localStorage: [{ name: 'theme', value: 'dark' }] }]);

    // What was saved is what a later run starts from.
    const next = await executeAssignment(browser, assignment([{ type: 'goto', url: server.url('/echo') }, read('cookie')], { storageState: state! }));
    expect(textsOf(next)[1]).toBe('session=alice');
  });

  test('a run that fails saves nothing', async ({ browser, server }) => {
    // The cookie is set by then: only the failure keeps it from being saved.
    const run = assignment(signIn(server, { type: 'assert', text: 'Signed out', timeoutMs: 500 }), { browser: { session: { saveAs: 'x' } } });
    const record = await executeAssignment(browser, run);

    expect(record.runEnd).toMatchObject({ status: 'failed', error: { code: 'assertion-failed' } });
    expect(record.labels.at(-1)).toBe('end 2 failed');
    expect(record.sessionStates).toEqual([]);
  });

  test('a run that does not ask to save its session reports no state', async ({ browser, server }) => {
    const record = await executeAssignment(browser, assignment(signIn(server)));

    expect(record.runEnd.status).toBe('succeeded');
    expect(record.labels.at(-1)).toBe('end 1 succeeded');
    expect(record.sessionStates).toEqual([]);
  });
});
