import type { Response } from 'express';

/**
 * `attachment; filename*=UTF-8''…` (RFC 6266, RFC 8187): the browser saves the file under its
 * name, whatever characters it has, and never shows it in place.
 */
export function attachmentDisposition(fileName: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename*=UTF-8''${encoded}`;
}

/**
 * Sends a stored file (an attachment, or a file a run downloaded) as a download: its stored type,
 * never rendered in place (attachment disposition, no sniffing, and a sandbox should a browser
 * render it anyway), so a page a site made a run download cannot run as skipper's own.
 */
export function sendFile(response: Response, file: { name: string; mimeType: string; bytes: Uint8Array }, options: { cache: 'private' | 'none' }): void {
  response.set({
    'Content-Disposition': attachmentDisposition(file.name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': options.cache === 'private' ? 'private, max-age=31536000, immutable' : 'no-store',
  });
  // Set as stored: Express's res.type() and res.set() would add a charset, or turn a bare word into a type.
  response.setHeader('Content-Type', file.mimeType);
  response.send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
}
