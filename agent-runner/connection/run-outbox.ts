import {
  encodeBinaryFrame,
  type RunEnd,
  type SessionState,
  type StepDownloadHeader,
  type StepEnd,
  type StepScreenshotHeader,
  type StepStart,
} from '../../protocol/index.ts';

/** What a run reports, before it is numbered. */
export type RunEvent =
  | Omit<StepStart, 'seq'>
  | Omit<StepEnd, 'seq'>
  | Omit<SessionState, 'seq'>
  | Omit<RunEnd, 'seq'>
  | { type: 'step-screenshot'; header: Omit<StepScreenshotHeader, 'seq'>; jpeg: Uint8Array }
  | { type: 'step-download'; header: Omit<StepDownloadHeader, 'seq'>; bytes: Uint8Array };

/** An event as it goes on the wire: a JSON text frame, or a binary frame (a screenshot or a downloaded file). */
export type Frame = string | Uint8Array;

type Attempt = {
  runId: string;
  attempt: number;
  nextSeq: number;
  unacknowledged: { seq: number; frame: Frame }[];
  /** The seq of the attempt's `run-end`, once pushed. */
  endSeq?: number;
};

export type RunOutbox = {
  /** Numbers the event and keeps it until the server acknowledges it; returns the frame to send now. */
  push(event: RunEvent): Frame;
  /** The server has applied this attempt's events up to `seq`; an acknowledged `run-end` releases the run. */
  acknowledge(runId: string, attempt: number, seq: number): void;
  /** The frames the server has not applied yet (after its `seq`), in order, after a reconnection. */
  unsentAfter(runId: string, attempt: number, seq: number): Frame[];
  /** Forgets a run's events: it was cancelled or taken back. */
  forget(runId: string): void;
  /** Runs with events the server may not have applied yet. */
  held(): { runId: string; attempt: number }[];
  /** Bytes kept, for the runner's logs. */
  bytes(): number;
};

/**
 * Keeps every event of a run until the server acknowledges it, so a dropped connection
 * loses nothing: after reconnecting, the runner sends what the server has not applied.
 * Events are numbered per attempt in the order they were produced.
 */
export function createRunOutbox(): RunOutbox {
  const attempts = new Map<string, Attempt>();

  function frameOf(event: RunEvent, seq: number): Frame {
    if (event.type === 'step-screenshot') return encodeBinaryFrame({ ...event.header, seq }, event.jpeg);
    if (event.type === 'step-download') return encodeBinaryFrame({ ...event.header, seq }, event.bytes);
    return JSON.stringify({ ...event, seq });
  }

  function sizeOf(frame: Frame): number {
    return typeof frame === 'string' ? frame.length : frame.byteLength;
  }

  return {
    push(event): Frame {
      const ref = event.type === 'step-screenshot' || event.type === 'step-download' ? event.header : event;
      let attempt = attempts.get(ref.runId);
      if (!attempt || attempt.attempt !== ref.attempt) {
        attempt = { runId: ref.runId, attempt: ref.attempt, nextSeq: 1, unacknowledged: [] };
        attempts.set(ref.runId, attempt);
      }
      const seq = attempt.nextSeq++;
      const frame = frameOf(event, seq);
      attempt.unacknowledged.push({ seq, frame });
      if (event.type === 'run-end') attempt.endSeq = seq;
      return frame;
    },
    acknowledge(runId, attemptNumber, seq) {
      const attempt = attempts.get(runId);
      if (!attempt || attempt.attempt !== attemptNumber) return;
      attempt.unacknowledged = attempt.unacknowledged.filter((entry) => entry.seq > seq);
      if (attempt.endSeq !== undefined && seq >= attempt.endSeq) attempts.delete(runId);
    },
    unsentAfter(runId, attemptNumber, seq) {
      const attempt = attempts.get(runId);
      if (!attempt || attempt.attempt !== attemptNumber) return [];
      attempt.unacknowledged = attempt.unacknowledged.filter((entry) => entry.seq > seq);
      return attempt.unacknowledged.map((entry) => entry.frame);
    },
    forget(runId) {
      attempts.delete(runId);
    },
    held: () => [...attempts.values()].map(({ runId, attempt }) => ({ runId, attempt })),
    bytes: () => [...attempts.values()].reduce((total, attempt) => total + attempt.unacknowledged.reduce((sum, entry) => sum + sizeOf(entry.frame), 0), 0),
  };
}
