import { MAX_ATTACHMENT_BYTES } from '../../protocol/index.ts';
import { formatBytes } from './format-bytes.ts';

/** Why a file cannot be attached because of its size, said before it is sent; undefined when it fits. */
export function describeTooBig(file: { name: string; size: number }): string | undefined {
  if (file.size <= MAX_ATTACHMENT_BYTES) return undefined;
  return `“${file.name}” is ${formatBytes(file.size)}; a file you attach can be at most ${formatBytes(MAX_ATTACHMENT_BYTES)}.`;
}
