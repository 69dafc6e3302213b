// `npm start`: builds the chat UI if needed, then runs the server and one runner as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** A runner that exits this soon after starting is misconfigured, not unlucky: don't restart it. */
const RUNNER_STARTUP_MS = 10_000;

if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
// One token shared by the server and its local runner, unless the operator set one.
const env: NodeJS.ProcessEnv = { ...process.env, RUNNER_TOKEN: process.env.RUNNER_TOKEN || randomBytes(24).toString('hex') };

await buildUiIfStale();
const server = spawnNode('server/main.ts', env, ['inherit', 'inherit', 'inherit', 'ipc']);
let runner: ChildProcess | undefined;
let stopping = false;

server.on('message', (message: { type?: string; port?: number }) => {
  if (message.type !== 'ready' || !message.port) return;
  const start = env.START_RUNNER;
  if (start === 'false' || start === '0') return;
  startRunner(`ws://${runnerHost(env.HOST)}:${message.port}/ws/runner`, 0);
});
server.on('exit', (code) => {
  if (!stopping) stop(code ?? 1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));

function startRunner(serverUrl: string, restarts: number) {
  const startedAt = Date.now();
  const child = spawnNode('agent-runner/main.ts', { ...env, SERVER_URL: serverUrl }, 'inherit');
  runner = child;
  child.on('exit', (code) => {
    if (stopping || runner !== child) return;
    if (Date.now() - startedAt < RUNNER_STARTUP_MS && restarts === 0) {
      console.error('The runner could not start (see above); skipper needs one to run tasks. Stopping.');
      stop(code ?? 1);
      return;
    }
    const delay = Math.min(1_000 * 2 ** restarts, 30_000);
    console.error(`The runner stopped (exit code ${code}); restarting it in ${delay / 1000} s.`);
    setTimeout(() => startRunner(serverUrl, restarts + 1), delay).unref();
  });
}

function stop(code: number) {
  if (stopping) return;
  stopping = true;
  const children = [runner, server].filter((child): child is ChildProcess => !!child && child.exitCode === null);
  let left = children.length;
  if (left === 0) process.exit(code);
  for (const child of children) {
    child.once('exit', () => {
      if (--left === 0) process.exit(code);
    });
    child.kill('SIGTERM');
  }
}

function spawnNode(script: string, childEnv: NodeJS.ProcessEnv, stdio: 'inherit' | ('inherit' | 'ipc')[]) {
  return spawn(process.execPath, [join(root, script)], { cwd: root, env: childEnv, stdio });
}

/** The local runner reaches the server over loopback unless the server listens on one specific address. */
function runnerHost(host: string | undefined): string {
  if (!host || ['0.0.0.0', '::', 'localhost', '127.0.0.1'].includes(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function buildUiIfStale() {
  const built = join(root, 'chat-ui/dist/index.html');
  const sources = ['chat-ui/src', 'chat-ui/index.html', 'chat-ui/vite.config.ts', 'protocol'].map((path) => join(root, path));
  if (existsSync(built) && newestChange(sources) <= statSync(built).mtimeMs) return;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'chat-ui/vite.config.ts'), logLevel: 'warn' });
}

function newestChange(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) newest = Math.max(newest, newestChange(readdirSync(path).map((name) => join(path, name))));
  }
  return newest;
}
