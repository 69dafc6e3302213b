import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

export type ServerProcess = {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** What it wrote to stderr (its logs at LOG_LEVEL, by default errors only). */
  stderr(): string;
};

/**
 * The real server as its own process, as `npm run server` starts it, so a test can SIGKILL it.
 * Resolves once it listens.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  // pino writes to stdout; both are kept for a test that needs to see what went wrong.
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string }) => {
      if (message.type === 'ready') resolve({ child, exited, stderr: () => stderr });
    });
    void exited.then(() => reject(new Error(`the server exited before it was ready: ${stderr}`)));
  });
}
