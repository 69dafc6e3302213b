import { toStorableText } from '../../protocol/index.ts';

/** Longest file name sent to the server (StepDownloadHeaderSchema). */
const MAX_FILE_NAME_LENGTH = 255;
/** Longest extension kept when a long name is cut. */
const MAX_EXTENSION_LENGTH = 16;

/**
 * A name a site suggested for a file, made safe to store and to offer for download again: its
 * last path segment, without control characters or characters file systems refuse, without
 * leading or trailing dots and spaces, at most 255 characters with its extension kept.
 */
export function safeFileName(suggested: string, fallback = 'download'): string {
  const base = suggested.split(/[/\\]/).at(-1) ?? '';
  const cleaned = toStorableText(base, Number.MAX_SAFE_INTEGER)
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const name = cleaned === '' ? fallback : cleaned;
  if (name.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_LENGTH ? name.slice(dot) : '';
  return toStorableText(name.slice(0, name.length - extension.length), MAX_FILE_NAME_LENGTH - extension.length) + extension;
}

const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  html: 'text/html',
  htm: 'text/html',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  ics: 'text/calendar',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

/** The MIME type a file name's extension stands for; `application/octet-stream` when unknown. */
export function mimeTypeOf(fileName: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return (extension && MIME_TYPES[extension]) || 'application/octet-stream';
}
