import { describe, expect, it, vi } from 'vitest';
import { createReplyStreams } from './reply-streams.ts';
import type { ReplyStreams } from './reply-streams.ts';

const messageId = crypto.randomUUID();

/** The chunks the server sends for a reply that says `pieces`, numbered from 0. */
function chunksSaying(...pieces: string[]): unknown[] {
  return [
    { type: 'start', messageId },
    { type: 'text-start', id: 't' },
    ...pieces.map((delta) => ({ type: 'text-delta', id: 't', delta })),
  ];
}

function receiveAll(streams: ReplyStreams, chunks: readonly unknown[], from = 0) {
  chunks.forEach((chunk, index) => streams.receive(messageId, from + index, chunk));
}

/** Resolves once the reply's chunks have built a message saying `text` (building is asynchronous). */
async function expectText(streams: ReplyStreams, text: string) {
  await vi.waitFor(() => expect(streams.current().get(messageId)).toEqual([{ type: 'text', text }]));
}

describe('reply streams', () => {
  it('builds a reply from its chunks in order, and tells listeners as it grows', async () => {
    const streams = createReplyStreams();
    const changes = vi.fn();
    streams.subscribe(changes);
    receiveAll(streams, chunksSaying('Hello', ' there'));
    await expectText(streams, 'Hello there');
    expect(changes).toHaveBeenCalled();
  });

  it('ignores a chunk that repeats one or skips ahead, so no gap and no duplicate is ever shown', async () => {
    const streams = createReplyStreams();
    const chunks = chunksSaying('one', ' two', ' three');
    receiveAll(streams, chunks.slice(0, 3));
    streams.receive(messageId, 2, chunks[2]);
    streams.receive(messageId, 4, chunks[4]);
    await expectText(streams, 'one');
    streams.receive(messageId, 3, chunks[3]);
    await expectText(streams, 'one two');
  });

  it('rebuilds a reply still being written from chunk 0 after a snapshot, keeping what it showed until then', async () => {
    const streams = createReplyStreams();
    const chunks = chunksSaying('Hel', 'lo', ' again');
    receiveAll(streams, chunks.slice(0, 3));
    await expectText(streams, 'Hel');

    streams.restart([messageId]);
    expect(streams.current().get(messageId)).toEqual([{ type: 'text', text: 'Hel' }]);
    // The chunks after those seen are ignored: the server sends the reply again from its start.
    streams.receive(messageId, 3, chunks[3]);
    receiveAll(streams, chunks);
    await expectText(streams, 'Hello again');
  });

  it('drops a reply the snapshot shows ended', async () => {
    const streams = createReplyStreams();
    receiveAll(streams, chunksSaying('done'));
    await expectText(streams, 'done');
    streams.restart([crypto.randomUUID()]);
    expect(streams.current().has(messageId)).toBe(false);
  });

  it('drops a reply once it is stored as it ended, and builds it anew if it is written again', async () => {
    const streams = createReplyStreams();
    receiveAll(streams, chunksSaying('first try'));
    await expectText(streams, 'first try');
    streams.end(messageId);
    expect(streams.current().has(messageId)).toBe(false);
    receiveAll(streams, chunksSaying('second try'));
    await expectText(streams, 'second try');
    streams.clear();
    expect(streams.current().size).toBe(0);
  });

  it('skips a chunk that is not a UI message chunk and goes on with the next', async () => {
    const streams = createReplyStreams();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [start, textStart, delta] = chunksSaying('kept');
    receiveAll(streams, [start, textStart, { type: 'text-delta', id: 't' }, delta]);
    await expectText(streams, 'kept');
    expect(warn).toHaveBeenCalledWith('ignored a reply chunk that is not a UI message chunk', expect.anything());
    warn.mockRestore();
  });

  it('shows tool calls as they go, and reasoning', async () => {
    const streams = createReplyStreams();
    receiveAll(streams, [
      { type: 'start', messageId },
      { type: 'reasoning-start', id: 'r' },
      { type: 'reasoning-delta', id: 'r', delta: 'Think.' },
      { type: 'reasoning-end', id: 'r' },
      { type: 'tool-input-start', toolCallId: 'c1', toolName: 'get_run' },
      { type: 'tool-input-available', toolCallId: 'c1', toolName: 'get_run', input: { runId: 'abc' } },
    ]);
    await vi.waitFor(() =>
      expect(streams.current().get(messageId)).toEqual([
        { type: 'reasoning', text: 'Think.' },
        { type: 'tool', toolName: 'get_run', toolCallId: 'c1', state: 'running', input: { runId: 'abc' } },
      ]),
    );
    streams.receive(messageId, 6, { type: 'tool-output-error', toolCallId: 'c1', errorText: 'No such run.' });
    await vi.waitFor(() =>
      expect(streams.current().get(messageId)?.[1]).toEqual({ type: 'tool', toolName: 'get_run', toolCallId: 'c1', state: 'failed', input: { runId: 'abc' }, errorText: 'No such run.' }),
    );
  });
});
