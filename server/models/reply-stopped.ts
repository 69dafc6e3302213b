const MARKER = Symbol.for('skipper.reply-stopped');

/**
 * The abort reason when the person stops a reply (or the server stops writing it, or a runner
 * no longer wants the answer for its step): not a failure of the model, so the circuit breaker
 * does not count it.
 */
export class ReplyStopped extends Error {
  private readonly [MARKER] = true;
  readonly why: 'person' | 'server-stopping' | 'step-stopped';

  constructor(why: 'person' | 'server-stopping' | 'step-stopped') {
    super({ person: 'Stopped by the person.', 'server-stopping': 'The server is stopping.', 'step-stopped': 'The step no longer needs the answer.' }[why]);
    this.name = 'ReplyStopped';
    this.why = why;
  }

  static isInstance(error: unknown): error is ReplyStopped {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** Whether an error (or what caused it) is a reply being stopped on purpose. */
export function isStopped(error: unknown): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (ReplyStopped.isInstance(current)) return true;
  }
  return false;
}
