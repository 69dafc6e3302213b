import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createGrowingList } from './harness/growing-list.ts';
import { connectUi } from './harness/ui-client.ts';

// What `npm start` runs, as a user runs it: embedded database, server, one runner.

const START = fileURLToPath(new URL('../scripts/start.ts', import.meta.url));

describe('npm start', () => {
  let dataDir: string;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  function start() {
    const child = spawn(process.execPath, [START], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RUNNER_TOKEN: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createGrowingList<string>();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = lines
      .waitFor((line) => line.startsWith('skipper is running at '), { timeoutMs: 60_000, abandon: exited, describe: () => stderr })
      .then((line) => line.slice('skipper is running at '.length).replace('localhost', '127.0.0.1'));
    return { child, lines, exited, url };
  }

  it('prints one line with the URL, runs a task, stops cleanly, and starts again on the same data', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'skipper-start-'));
    await chmod(parent, 0o755);
    dataDir = join(parent, 'data');

    const first = start();
    const baseUrl = await first.url;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${baseUrl}/api/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: `go to ${baseUrl}/demo/login, then take a screenshot` }),
    });
    const { run, conversationId } = (await created.json()) as { run: { id: string }; conversationId: string };
    const watcher = await connectUi(baseUrl);
    await watcher.subscribe(conversationId);
    // The runner that npm start launched executes it.
    expect((await watcher.waitForRun(run.id, (view) => view.status === 'succeeded' || view.status === 'failed')).status).toBe('succeeded');
    watcher.close();
    expect(first.lines.items).toEqual([`skipper is running at ${baseUrl.replace('127.0.0.1', 'localhost')}`]);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false); // PostgreSQL was shut down too

    const second = start();
    const again = await second.url;
    const thread = await fetch(`${again}/api/conversations/${conversationId}`);
    expect(thread.status).toBe(200);
    const { messages } = (await thread.json()) as { messages: unknown[] };
    expect(messages).toHaveLength(3); // the prompt, the plan with its run, the summary
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
