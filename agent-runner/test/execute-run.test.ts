import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { RunAssignSchema, RunEndSchema, SessionStateSchema, StepDownloadHeaderSchema, StepEndSchema, StepScreenshotHeaderSchema, StepStartSchema } from '../../protocol/index.ts';
import { MAX_FULL_PAGE_SCREENSHOT, type RunAssign, type Step } from '../../protocol/index.ts';
import { executeRun, type RunMessage } from '../run/execute-run.ts';
import { newRunPage } from '../browser/run-pages.ts';
import { browserTest as test } from './browser-test.ts';

function assignment(steps: Step[], stepTimeoutMs = 5000): RunAssign {
  return RunAssignSchema.parse({
    type: 'run-assign',
    runId: randomUUID(),
    attempt: 2,
    steps,
    settings: { stepTimeoutMs, aiStepTimeoutMs: 30_000, screenshotQuality: 60 },
    compiled: [],
  });
}

type Recorded = { label: string; message?: RunMessage; jpeg?: Uint8Array; download?: { fileName: string; mimeType: string; bytes: Uint8Array } };

/** Records what executeRun reports, checking every message against the wire schemas. */
function recorder(onStepStart: (index: number) => void = () => {}) {
  const events: Recorded[] = [];
  return {
    events,
    labels: () => events.map((event) => event.label),
    stepEnds: () => events.flatMap((event) => (event.message?.type === 'step-end' ? [event.message] : [])),
    screenshots: () => events.flatMap((event) => (event.jpeg ? [event.jpeg] : [])),
    onMessage(message: RunMessage) {
      if (message.type === 'step-start') {
        StepStartSchema.omit({ seq: true }).parse(message);
        events.push({ label: `start ${message.index}`, message });
        onStepStart(message.index);
      } else if (message.type === 'session-state') {
        SessionStateSchema.omit({ seq: true }).parse(message);
        events.push({ label: 'session-state', message });
      } else {
        StepEndSchema.omit({ seq: true }).parse(message);
        events.push({ label: `end ${message.index} ${message.status}`, message });
      }
    },
    onScreenshot(header: unknown, jpeg: Uint8Array) {
      const { index } = StepScreenshotHeaderSchema.omit({ seq: true }).parse(header);
      events.push({ label: `screenshot ${index}`, jpeg });
    },
    onDownload(header: unknown, bytes: Uint8Array) {
      const { index, fileName, mimeType } = StepDownloadHeaderSchema.omit({ seq: true }).parse(header);
      events.push({ label: `download ${index}`, download: { fileName, mimeType, bytes } });
    },
  };
}

/** Width and height from a baseline or progressive JPEG's start-of-frame segment. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  for (let offset = 2; offset + 9 < jpeg.length; offset += 2 + view.getUint16(offset + 2)) {
    const marker = view.getUint16(offset);
    if (marker === 0xffc0 || marker === 0xffc2) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
  }
  throw new Error('no start-of-frame segment');
}

function expectJpeg(jpeg: Uint8Array): void {
  expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  expect([jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd9]);
  expect(jpeg.length).toBeGreaterThan(2_000);
  expect(jpeg.length).toBeLessThan(2_000_000);
}

describe('executeRun', () => {
  test('runs the login flow, sending each screenshot before its step-end', async ({ browser, server }) => {
    const steps: Step[] = [
      { type: 'goto', url: server.url('/login.html') },
      { type: 'fill', target: 'Email', value: 'alice@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'click', target: 'Sign in' },
      { type: 'assert', text: 'Welcome, alice@example.com' },
      { type: 'extract', target: { by: 'role', role: 'heading', name: 'Welcome' } },
      { type: 'goto', url: server.url('/read.html') },
      { type: 'screenshot', fullPage: true },
    ];
    const run = assignment(steps);
    const recorded = recorder();
    const runEnd = await executeRun({ openPage: () => newRunPage(browser), assignment: run, ...recorded });

    expect(RunEndSchema.omit({ seq: true }).parse(runEnd)).toEqual({ type: 'run-end', runId: run.runId, attempt: 2, status: 'succeeded' });
    expect(recorded.labels()).toEqual(steps.flatMap((_step, index) => [`start ${index}`, `screenshot ${index}`, `end ${index} succeeded`]));
    for (const event of recorded.events) {
      if (event.message) expect(event.message).toMatchObject({ runId: run.runId, attempt: 2 });
    }
    const stepEnds = recorded.stepEnds();
    expect(stepEnds[3]?.output).toEqual({ url: server.url('/welcome.html?email=alice%40example.com&password=secret') });
    expect(stepEnds[5]?.output?.text).toBe('Welcome, alice@example.com');
    for (const stepEnd of stepEnds) expect(stepEnd.durationMs).toBeGreaterThanOrEqual(0);

    const screenshots = recorded.screenshots();
    screenshots.forEach(expectJpeg);
    expect(jpegSize(screenshots[6]!)).toEqual({ width: 1280, height: 800 });
    // read.html is taller than the viewport: the full-page screenshot shows all of it.
    expect(jpegSize(screenshots[7]!).height).toBeGreaterThan(2000);
    expect(browser.contexts()).toHaveLength(0);
  });

  test('stops at the first failing step, with its screenshot and a run error naming the step', async ({ browser, server }) => {
    const steps: Step[] = [
      // Its own timeout, so a slow first load cannot trip the short default below.
      { type: 'goto', url: server.url('/login.html'), timeoutMs: 10_000 },
      { type: 'click', target: 'Log out' },
      { type: 'click', target: 'Sign in' },
    ];
    const recorded = recorder();
    const runEnd = await executeRun({ openPage: () => newRunPage(browser), assignment: assignment(steps, 1000), ...recorded });

    expect(recorded.labels()).toEqual(['start 0', 'screenshot 0', 'end 0 succeeded', 'start 1', 'screenshot 1', 'end 1 failed']);
    const stepError = recorded.stepEnds()[1]?.error;
    expect(stepError?.code).toBe('target-not-found');
    // The click had no timeout of its own, so the run's default applied.
    expect(stepError?.message).toMatch(/^No element matches "Log out" .* within 1 s$/);
    expect(runEnd.status).toBe('failed');
    expect(runEnd.error).toEqual({ code: 'target-not-found', message: `Step 2 (Click "Log out") failed: ${stepError?.message}` });
    recorded.screenshots().forEach(expectJpeg);
    expect(browser.contexts()).toHaveLength(0);
  });

  test('a full-page screenshot of a page too large for one picture shows its top left corner and says so', async ({ browser, server }) => {
    const steps: Step[] = [
      { type: 'goto', url: server.url('/huge.html'), timeoutMs: 10_000 },
      { type: 'screenshot', fullPage: true },
    ];
    const recorded = recorder();
    const runEnd = await executeRun({ openPage: () => newRunPage(browser), assignment: assignment(steps, 10_000), ...recorded });
    expect(recorded.labels()).toEqual(['start 0', 'screenshot 0', 'end 0 succeeded', 'start 1', 'screenshot 1', 'end 1 succeeded']);
    expect(runEnd.status).toBe('succeeded');
    const picture = recorded.screenshots()[1]!;
    expectJpeg(picture);
    expect(jpegSize(picture)).toEqual({ width: MAX_FULL_PAGE_SCREENSHOT.width, height: expect.any(Number) });
    const output = recorded.stepEnds()[1]?.output;
    expect(output?.screenshotCropped?.pageWidth).toBeGreaterThan(1_000_000);
    expect(recorded.stepEnds()[0]?.output?.screenshotCropped).toBeUndefined();
  });

  test('a browser that cannot open a page in time fails the run, and the late page is closed', async ({ browser }) => {
    let opened: Promise<Page> | undefined;
    const openPage = () => {
      // A page that takes longer than the run's step timeout to appear.
      opened = new Promise((resolve) => setTimeout(resolve, 300)).then(() => newRunPage(browser));
      return opened;
    };
    const recorded = recorder();
    const runEnd = await executeRun({ openPage, assignment: assignment([{ type: 'screenshot' }], 100), ...recorded });
    expect(runEnd).toMatchObject({ status: 'failed', error: { code: 'browser-error', message: 'The browser could not open a page: no page after 100 ms' } });
    expect(recorded.labels()).toEqual([]);
    const late = await opened!;
    await late.waitForEvent('close');
    expect(late.isClosed()).toBe(true);
  });

  test('cancelling while a wait step runs ends the run promptly as cancelled', async ({ browser, server }) => {
    const controller = new AbortController();
    let abortedAt = 0;
    const recorded = recorder((index) => {
      if (index !== 1) return;
      abortedAt = performance.now();
      controller.abort();
    });
    const steps: Step[] = [
      { type: 'goto', url: server.url('/login.html') },
      { type: 'wait', ms: 60_000 },
      { type: 'click', target: 'Sign in' },
    ];
    const runEnd = await executeRun({ openPage: () => newRunPage(browser), assignment: assignment(steps), signal: controller.signal, ...recorded });

    expect(performance.now() - abortedAt).toBeLessThan(2000);
    expect(runEnd).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(recorded.labels()).toEqual(['start 0', 'screenshot 0', 'end 0 succeeded', 'start 1', 'end 1 failed']);
    expect(recorded.stepEnds()[1]?.error?.code).toBe('cancelled');
    expect(browser.contexts()).toHaveLength(0);
  });

  test('cancelling while a page loads interrupts the navigation', async ({ browser, server }) => {
    const controller = new AbortController();
    const requested = server.nextRequest('/slow');
    const run = executeRun({
      openPage: () => newRunPage(browser),
      assignment: assignment([{ type: 'goto', url: server.url('/slow?ms=60000') }], 60_000),
      signal: controller.signal,
      ...recorder(),
    });
    await requested;
    const abortedAt = performance.now();
    controller.abort();
    expect(await run).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    expect(browser.contexts()).toHaveLength(0);
  });
});
