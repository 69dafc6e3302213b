import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../server/slack/verify-slack-signature.ts';
import { createTestDatabase, type TestDatabase } from '../server/store/testing/test-database.ts';
import { createGrowingList } from './harness/growing-list.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// A Slack command end to end: signed request to one server instance, the run executed by a real
// runner process and Chromium connected to another instance on the same database, and the result
// delivered to response_url by whichever instance hears `run-ended` (ARCHITECTURE D11).

const SECRET = 'a-signing-secret-for-this-test-0123456789';

describe('a Slack command run by a real runner on another instance', () => {
  let database: TestDatabase;
  let slackInstance: TestServer;
  let runnerInstance: TestServer;
  let runner: RunnerProcess;
  let fakeSlack: Server;
  const received = createGrowingList<{ path: string; body: any }>();

  beforeAll(async () => {
    fakeSlack = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => fakeSlack.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(fakeSlack.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    slackInstance = await startTestServer({ database, slackSigningSecret: SECRET, slackResponseOrigins: [origin] });
    runnerInstance = await startTestServer({ database });
    runner = await startRunnerProcess({ serverUrl: runnerInstance.runnerUrl, token: runnerInstance.token, name: 'slack-runner' });
  });
  afterAll(async () => {
    await runner?.stop();
    await slackInstance?.stop();
    await runnerInstance?.stop();
    await database?.drop();
    await new Promise((resolve) => fakeSlack?.close(resolve));
  });

  async function slash(command: string, text: string, responseUrl: string) {
    const body = new URLSearchParams({ team_id: 'T0TEAM', user_id: 'U0USER', command, text, response_url: responseUrl }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${slackInstance.baseUrl}/api/slack/commands`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': timestamp,
        'X-Slack-Signature': `v0=${signSlackRequest(SECRET, timestamp, Buffer.from(body))}`,
      },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { text: string };
  }

  it('delivers the Block Kit result with what the page said and a real screenshot', async () => {
    const origin = `http://127.0.0.1:${(fakeSlack.address() as AddressInfo).port}`;
    const { body: code } = await slackInstance.api('/api/slack/link-codes', { method: 'POST' });
    expect((await slash('/skipper', `link ${code.code}`, `${origin}/link`)).text).toMatch(/^Linked/);

    const path = `/commands/T0TEAM/${randomUUID()}`;
    const page = `${slackInstance.baseUrl}/demo/login`;
    const ack = await slash('/run', `go to ${page}, read the text of "h1", take a screenshot`, `${origin}${path}`);
    expect(ack.text).toMatch(/^Running 3 steps as run `[0-9a-f]{8}`/);

    const delivered = await received.waitFor((item) => item.path === path, { timeoutMs: 25_000, describe: () => JSON.stringify(received.items) });
    const blocks = delivered.body.blocks as any[];
    expect(blocks[0].text.text).toBe('✅ Run succeeded');
    expect(blocks[2].fields).toEqual([{ type: 'mrkdwn', text: '*Read the text of "h1"*\n"Sign in to Acme Status"' }]);
    const screenshotUrl = /\|Open the run in skipper>  ·  <([^|]+)\|Last screenshot>/.exec(blocks[3].text.text)![1]!;
    const shot = await fetch(screenshotUrl.replace('//localhost:', '//127.0.0.1:'));
    expect(shot.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await shot.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(received.items.filter((item) => item.path === path)).toHaveLength(1);
  });
});
