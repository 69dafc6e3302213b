import { MAX_ATTACHMENT_BYTES } from '../../protocol/index.ts';
import { safeFileName } from '../browser/file-names.ts';
import { StepError } from '../steps/step-error.ts';

/** A file the person attached to the conversation, as an `upload` step sets it. */
export type Attachment = { name: string; mimeType: string; buffer: Buffer };

/** Fetches one attachment of the run's conversation from the server. */
export type FetchAttachment = (request: { id: string; runId: string; attempt: number; timeoutMs: number; signal?: AbortSignal }) => Promise<Attachment>;

export type AttachmentFetcherOptions = {
  /** The runner socket's URL (`ws://host:3000/ws/runner`); attachments come from the same host over HTTP. */
  serverUrl: string;
  token: string;
  runnerId: string;
  fetch?: typeof globalThis.fetch;
};

/**
 * Fetches attachments with `GET /api/runner/attachments/{id}?runId=&attempt=`, authenticated as
 * the runner. The server answers 404 for an attachment the run's plan does not use, so a runner
 * can read only what its runs need. Failures are StepErrors a person can act on.
 */
export function createAttachmentFetcher(options: AttachmentFetcherOptions): FetchAttachment {
  const fetch = options.fetch ?? globalThis.fetch;
  const base = httpBaseOf(options.serverUrl);
  return async ({ id, runId, attempt, timeoutMs, signal }) => {
    const url = new URL(`/api/runner/attachments/${encodeURIComponent(id)}`, base);
    url.search = new URLSearchParams({ runId, attempt: String(attempt) }).toString();
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${options.token}`, 'X-Runner-Id': options.runnerId },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const why = timeout.aborted ? 'the server did not answer in time' : `${(error as Error).message}`;
      throw new StepError('action-failed', `Could not fetch the attached file ${id}: ${why}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new StepError('action-failed', refusal(id, response.status));
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_ATTACHMENT_BYTES) throw new StepError('action-failed', `The attached file ${id} is larger than an upload may be`);
    const buffer = Buffer.from(await response.arrayBuffer());
    if (buffer.length > MAX_ATTACHMENT_BYTES) throw new StepError('action-failed', `The attached file ${id} is larger than an upload may be`);
    return {
      name: fileNameOf(response.headers.get('content-disposition')) ?? id,
      // Parameters such as charset are not part of a file's type as a page sees it.
      mimeType: response.headers.get('content-type')?.split(';', 1)[0]?.trim() || 'application/octet-stream',
      buffer,
    };
  };
}

/** `ws://host:3000/ws/runner` -> `http://host:3000/`, `wss:` -> `https:`. */
export function httpBaseOf(serverUrl: string): URL {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

function refusal(id: string, status: number): string {
  if (status === 404) return `The attached file ${id} is not available to this run: the server does not know it, or the run's plan does not use it`;
  if (status === 401 || status === 403) return `The server refused this runner's token when it fetched the attached file ${id}`;
  return `The server answered HTTP ${status} when the runner fetched the attached file ${id}`;
}

/** The name in `Content-Disposition`: `filename*=UTF-8''…` (RFC 6266) first, then `filename="…"`. */
function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return safeFileName(decodeURIComponent(encoded.trim()));
    } catch {
      // Malformed percent-encoding: try the plain form.
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
  return name ? safeFileName(name) : undefined;
}
