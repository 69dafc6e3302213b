import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGrowingList } from './growing-list.ts';

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

/**
 * What the runner process inherits: this environment without any model key or endpoint. A
 * runner never needs them (its model calls go through the server), so tests prove it works without.
 */
export function runnerEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_API_KEY$|^LLM_/.test(name)));
}

/** The real runner, as its own process, as `npm run runner` starts it. */
export async function startRunnerProcess(options: {
  serverUrl: string;
  token: string;
  name: string;
  concurrency?: number;
  /** Resolve only once the runner is connected. Default true; false when the server may be down. */
  waitForConnection?: boolean;
}): Promise<RunnerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...runnerEnvironment(),
      SERVER_URL: options.serverUrl,
      RUNNER_TOKEN: options.token,
      RUNNER_NAME: options.name,
      RUNNER_CONCURRENCY: String(options.concurrency ?? 1),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = createGrowingList<Record<string, unknown>>();
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
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  function waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
    return logs.waitFor(predicate, {
      timeoutMs,
      abandon: exited,
      describe: () => `runner ${options.name} did not log what was expected. stderr: ${stderr}\nlast logs: ${JSON.stringify(logs.items.slice(-5))}`,
    });
  }

  const runner: RunnerProcess = {
    child,
    logs: logs.items,
    waitForLog,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  if (options.waitForConnection ?? true) await waitForLog((line) => line.msg === 'connected to the server');
  return runner;
}
