import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../protocol/index.ts';
import { describeTooBig } from './attachment-size.ts';

describe('describeTooBig', () => {
  it('lets a file of up to the limit through', () => {
    expect(describeTooBig({ name: 'report.pdf', size: MAX_ATTACHMENT_BYTES })).toBeUndefined();
    expect(describeTooBig({ name: 'empty.txt', size: 0 })).toBeUndefined();
  });

  it('says how big the file is and what the limit is', () => {
    expect(describeTooBig({ name: 'video.mp4', size: 25 * 1024 * 1024 })).toBe('“video.mp4” is 25 MB; a file you attach can be at most 10 MB.');
  });
});
