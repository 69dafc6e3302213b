import type { Readable } from 'node:stream';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { MAX_DOWNLOAD_BYTES } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { mimeTypeOf, safeFileName } from './file-names.ts';

export type DownloadedFile = { fileName: string; mimeType: string; bytes: Uint8Array };

export type RunDownloads = {
  /**
   * The files whose download started since the last call, in order, each read once complete.
   * A download still under way is waited for (its own completion, up to `timeoutMs`); one that
   * fails, takes longer, or is larger than the limit is left out, with a warning.
   */
  take(options: { timeoutMs: number; signal?: AbortSignal }): Promise<DownloadedFile[]>;
};

export type CollectDownloadsOptions = {
  logger?: Logger;
  /** Largest file kept, in bytes. Default MAX_DOWNLOAD_BYTES. */
  maxBytes?: number;
};

/**
 * Collects the files any tab of the run's context downloads. Playwright keeps each in a
 * temporary file of its own until the context closes; it is read from there as a stream.
 */
export function collectDownloads(context: BrowserContext, options: CollectDownloadsOptions = {}): RunDownloads {
  const { logger } = options;
  const maxBytes = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  let started: Download[] = [];
  const watch = (page: Page) => page.on('download', (download) => started.push(download));
  context.pages().forEach(watch);
  context.on('page', watch);

  async function read(download: Download, timeoutMs: number, signal: AbortSignal | undefined): Promise<DownloadedFile | undefined> {
    const fileName = safeFileName(download.suggestedFilename());
    const failure = await settleWithin(download.failure(), timeoutMs, signal);
    if (failure === undefined) {
      if (!signal?.aborted) logger?.warn({ fileName, timeoutMs }, 'a download did not finish in time; it is not sent');
      await download.cancel().catch(() => {});
      return undefined;
    }
    if (failure !== null) {
      logger?.warn({ fileName, failure }, 'a download failed; it is not sent');
      return undefined;
    }
    const bytes = await readUpTo(await download.createReadStream(), maxBytes);
    if (!bytes) {
      logger?.warn({ fileName, maxBytes }, 'a download is larger than a run may send; it is not sent');
      return undefined;
    }
    return { fileName, mimeType: mimeTypeOf(fileName), bytes };
  }

  return {
    async take({ timeoutMs, signal }) {
      const batch = started;
      started = [];
      const deadline = Date.now() + timeoutMs;
      const files: DownloadedFile[] = [];
      for (const download of batch) {
        const file = await read(download, Math.max(0, deadline - Date.now()), signal).catch((error: unknown) => {
          logger?.warn({ err: error }, 'a download could not be read; it is not sent');
          return undefined;
        });
        if (file) files.push(file);
      }
      return files;
    },
  };
}

/** The stream's bytes, or undefined (and the stream stopped) once there are more than `maxBytes`. */
async function readUpTo(stream: Readable, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** What `promise` resolves to, or undefined once `ms` have passed or `signal` aborts. */
function settleWithin<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const done = (value: T | undefined) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(onAbort, ms);
    if (signal?.aborted) return done(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(done, (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}
