import { describe, expect, it } from 'vitest';
import { decodeBinaryFrame, encodeBinaryFrame } from './binary-frame.ts';

describe('binary frames', () => {
  it('round-trips a header and payload', () => {
    const payload = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x42]);
    const decoded = decodeBinaryFrame(encodeBinaryFrame({ type: 'step-screenshot', index: 3 }, payload));
    expect(decoded?.header).toEqual({ type: 'step-screenshot', index: 3 });
    expect([...(decoded?.payload ?? [])]).toEqual([...payload]);
  });

  it('reads a frame that sits at an offset inside a larger buffer', () => {
    const frame = encodeBinaryFrame({ a: 1 }, new Uint8Array([7, 8]));
    const padded = new Uint8Array(frame.length + 10);
    padded.set(frame, 10);
    expect(decodeBinaryFrame(padded.subarray(10))?.header).toEqual({ a: 1 });
  });

  it.each([
    ['too short', new Uint8Array([0, 0])],
    ['header longer than the frame', new Uint8Array([0, 0, 0, 50, 123])],
    ['header that is not JSON', new Uint8Array([0, 0, 0, 2, 0x7b, 0x7b])],
    ['header that is not UTF-8', new Uint8Array([0, 0, 0, 2, 0xc3, 0x28])],
    ['absurd header length', new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2])],
  ])('rejects a frame %s', (_name, frame) => {
    expect(decodeBinaryFrame(frame)).toBeNull();
  });
});
