/** Why no browser could be used: nothing installed, or `CHROME_PATH` points nowhere useful. */
export type BrowserNotFoundCode = 'browser-not-found' | 'invalid-chrome-path';

const marker = Symbol.for('skipper.BrowserNotFoundError');

/** Thrown by `findChrome` when there is no Chrome or Chromium to launch. */
export class BrowserNotFoundError extends Error {
  readonly code: BrowserNotFoundCode;
  readonly [marker] = true;

  constructor(code: BrowserNotFoundCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrowserNotFoundError';
    this.code = code;
  }

  /** True for instances from any copy of this module (`instanceof` fails across copies). */
  static isInstance(error: unknown): error is BrowserNotFoundError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
