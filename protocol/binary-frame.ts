// Binary WebSocket frames carry a JSON header and raw bytes, so screenshots travel
// without base64's 33% overhead and without a JSON parse of the image:
//   [u32 big-endian header length][header as UTF-8 JSON][payload bytes]
// Plain Uint8Array and DataView keep this usable in browsers as well as Node.

/** Largest header accepted, in bytes; a header is a few hundred bytes in practice. */
const MAX_HEADER_BYTES = 16 * 1024;

export function encodeBinaryFrame(header: object, payload: Uint8Array): Uint8Array {
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + headerBytes.length + payload.length);
  new DataView(frame.buffer).setUint32(0, headerBytes.length);
  frame.set(headerBytes, 4);
  frame.set(payload, 4 + headerBytes.length);
  return frame;
}

export type DecodedBinaryFrame = { header: unknown; payload: Uint8Array };

/** Splits a frame into its header (parsed JSON, still to be validated) and payload; null if malformed. */
export function decodeBinaryFrame(frame: Uint8Array): DecodedBinaryFrame | null {
  if (frame.length < 4) return null;
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.length) return null;
  try {
    const header: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headerLength)));
    return { header, payload: frame.subarray(4 + headerLength) };
  } catch {
    return null;
  }
}
