import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesResponseSchema, type ChatMessage, type PlanView, type RunView } from '../protocol/index.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Slash commands typed into the chat: the reply is an assistant message in the conversation
// (runs and plans appear in it as usual), through the real HTTP API, PostgreSQL and a runner
// socket driven by hand. Text that is not a known slash command is read as before.

let server: TestServer;
let runner: RunnerSocket;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer();
  runner = await connectRunnerSocket(server, randomUUID(), { capacity: 4 });
  conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id;
});
afterAll(async () => {
  await runner?.close();
  await server?.stop();
  await server?.database.drop();
});

async function say(text: string): Promise<ChatMessage> {
  const { status, body } = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } });
  expect(status, JSON.stringify(body)).toBe(201);
  const [user, reply] = MessagesResponseSchema.parse(body).messages;
  expect(user!.parts).toEqual([{ type: 'text', text }]);
  expect(reply!.role).toBe('assistant');
  return reply!;
}

function textOf(message: ChatMessage): string {
  return message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}
function runOf(message: ChatMessage): RunView | undefined {
  return message.parts.find((part) => part.type === 'data-run')?.data as RunView | undefined;
}
function planOf(message: ChatMessage): PlanView | undefined {
  return message.parts.find((part) => part.type === 'data-plan')?.data as PlanView | undefined;
}

/** The runner takes the run and reports every step succeeded. */
async function finishRun(runId: string) {
  const assign = await runner.next('run-assign', (message) => message.runId === runId);
  let seq = 0;
  const ref = { runId, attempt: assign.attempt };
  for (const index of assign.steps.keys()) {
    runner.send({ type: 'step-start', ...ref, seq: ++seq, index });
    runner.send({ type: 'step-end', ...ref, seq: ++seq, index, status: 'succeeded', durationMs: 3 });
  }
  const end = ++seq;
  runner.send({ type: 'run-end', ...ref, seq: end, status: 'succeeded' });
  await runner.next('ack', (ack) => ack.runId === runId && ack.seq === end);
}

describe('slash commands typed into the chat', () => {
  const page = () => `${server.baseUrl}/demo/login`;

  it('/run plans the task and runs it as the reply, like any run', async () => {
    const reply = await say(`/run go to ${page()}, take a screenshot`);
    const run = runOf(reply)!;
    expect(run.status).toBe('queued');
    expect(planOf(reply)!.steps).toEqual([{ type: 'goto', url: page() }, { type: 'screenshot' }]);
    expect(textOf(reply)).toBe('Running 2 steps.');
    await finishRun(run.id);
    expect((await server.api(`/api/runs/${run.id}`)).body.run.status).toBe('succeeded');
  });

  it('/plan shows a proposed plan and runs nothing', async () => {
    const reply = await say(`/plan go to ${page()}, click "Sign in"`);
    expect(planOf(reply)).toMatchObject({ status: 'proposed', steps: [{ type: 'goto' }, { type: 'click', target: 'Sign in' }] });
    expect(runOf(reply)).toBeUndefined();
    expect(textOf(reply)).toBe('Here is the plan: 2 steps. Run it, edit it or discard it.');
  });

  it('/status tells how the latest run went, or a run by a short id', async () => {
    const first = runOf(await say(`/run go to ${page()}`))!;
    const latest = await say('/status');
    // Claimed by the runner at once, or about to be.
    expect(textOf(latest)).toMatch(new RegExp(`^Run \`${first.id.slice(0, 8)}\` is (queued\\. Waiting for a runner|running\\. Running step 1 of 1: Go to )`));
    await finishRun(first.id);
    const byId = await say(`/status ${first.id.slice(0, 6).toUpperCase()}`);
    expect(textOf(byId)).toContain(`Run \`${first.id.slice(0, 8)}\` succeeded. Done: all 1 step succeeded`);
    expect(textOf(byId)).toContain(`/c/${conversationId}`);
    expect(textOf(await say(`/status ${first.id}`))).toContain('succeeded');
    expect(textOf(await say('/status ffffffff'))).toBe('You have no run whose id starts with `ffffffff`.');
  });

  it('/cancel stops a run, and says so when it had already ended', async () => {
    const run = runOf(await say(`/run go to ${page()}, wait 30 seconds`))!;
    expect(textOf(await say(`/cancel ${run.id.slice(0, 8)}`))).toBe(`Cancelled run \`${run.id.slice(0, 8)}\`.`);
    expect((await server.api(`/api/runs/${run.id}`)).body.run.status).toBe('cancelled');
    expect(textOf(await say(`/cancel ${run.id}`))).toBe(`Run \`${run.id.slice(0, 8)}\` had already ended: cancelled.`);
  });

  it('/help lists the commands; /link explains it is for Slack', async () => {
    expect(textOf(await say('/help'))).toContain('`/run <task>`: plan the task and run it now');
    expect(textOf(await say('/link 7KQ2-M9XD'))).toContain('Send `/link CODE` from Slack, not here');
  });

  it('/schedule, /schedules, /pause and /resume go through the schedule service, by short ids', async () => {
    const made = textOf(await say(`/schedule "every day at 9:00 UTC" go to ${page()}, take a screenshot`));
    const shortId = /^Scheduled `([0-9a-f]{8})` “go to .*”: every day at 9:00 UTC\. Next run: \d{4}-\d\d-\d\d 09:00 UTC\.$/.exec(made)?.[1];
    expect(shortId, made).toBeDefined();
    const { body } = await server.api('/api/schedules');
    const schedule = body.schedules.find((candidate: { id: string }) => candidate.id.startsWith(shortId!));
    // Typed into a conversation, its runs are posted there.
    expect(schedule).toMatchObject({ conversationId, status: 'active', when: 'every day at 9:00 UTC' });

    expect(textOf(await say('/schedules'))).toMatch(new RegExp(`^Your schedules \\(1\\):\\n• \`${shortId}\` “go to .*”: every day at 9:00 UTC, active; next \\d{4}-\\d\\d-\\d\\d 09:00 UTC$`));
    expect(textOf(await say(`/pause ${shortId!.slice(0, 5)}`))).toMatch(new RegExp(`^Paused \`${shortId}\` .* It is paused: \`/resume\` starts it again\\.$`));
    expect((await server.api(`/api/schedules/${schedule.id}`)).body.schedule.status).toBe('paused');
    expect(textOf(await say(`/resume ${shortId}`))).toMatch(new RegExp(`^Resumed \`${shortId}\` .* Next run: `));
    expect(textOf(await say('/pause 0000aaaa'))).toBe('You have no schedule whose id starts with `0000aaaa`. See `/schedules`.');
    expect(textOf(await say('/schedule "whenever you like" check it'))).toMatch(/^I cannot read|Write it like/);
  });

  it('says what is wrong with a known command, in the conversation', async () => {
    expect(textOf(await say('/run'))).toMatch(/^\/run needs a task/);
    expect(textOf(await say('/pause my-schedule'))).toMatch(/^\/pause needs the id/);
    expect(textOf(await say('/schedule every day check it'))).toMatch(/^Put when in quotes/);
    expect(textOf(await say('/status latest please'))).toMatch(/takes the id of a run/);
  });

  it('reads anything else as before: unknown slash words and plain commands', async () => {
    // Not a bot command: the grammar answers, as it always did.
    const unknown = await say('/deploy production');
    expect(runOf(unknown)).toBeUndefined();
    expect(textOf(unknown)).not.toContain('I do not know the command');
    const plain = await say(`go to ${page()}`);
    expect(runOf(plain)?.status).toBe('queued');
    await finishRun(runOf(plain)!.id);
  });

  it('a command sent again with the same clientMessageId is carried out once', async () => {
    const body = { text: `/run go to ${page()}`, clientMessageId: randomUUID() };
    const first = MessagesResponseSchema.parse((await server.api(`/api/conversations/${conversationId}/messages`, { body })).body).messages;
    const again = MessagesResponseSchema.parse((await server.api(`/api/conversations/${conversationId}/messages`, { body })).body).messages;
    expect(again.map((message) => message.id)).toEqual(first.map((message) => message.id));
    const run = runOf(first[1]!)!;
    expect(run.conversationId).toBe(conversationId);
    await finishRun(run.id);
    const page1 = (await server.api(`/api/conversations/${conversationId}/messages?limit=100`)).body.messages as ChatMessage[];
    expect(page1.filter((message) => runOf(message)?.id === run.id)).toHaveLength(1);
  });
});
