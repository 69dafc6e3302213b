import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type RunnerProcess = {
  child: ChildProcess;
  /** Log lines (parsed pino JSON) seen so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
};

const MAIN = fileURLToPath(new URL('../../agent-runner/main.ts', import.meta.url));

/** The real runner, as its own process, as `npm run runner` starts it. */
export async function startRunnerProcess(options: {
  serverUrl: string;
  token: string;
  name: string;
  concurrency?: number;
}): Promise<RunnerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      SERVER_URL: options.serverUrl,
      RUNNER_TOKEN: options.token,
      RUNNER_NAME: options.name,
      RUNNER_CONCURRENCY: String(options.concurrency ?? 1),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  function waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`runner ${options.name} never logged what was expected. stderr: ${stderr}\nlogs: ${JSON.stringify(logs.slice(-5))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      void exited.then(() => {
        if (!logs.find(predicate)) {
          cleanup();
          reject(new Error(`runner ${options.name} exited. stderr: ${stderr}`));
        }
      });
      waiters.add(check);
      check();
    });
  }

  const runner: RunnerProcess = {
    child,
    logs,
    waitForLog,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  await waitForLog((line) => line.msg === 'connected to the server');
  return runner;
}
