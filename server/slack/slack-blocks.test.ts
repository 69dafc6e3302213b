import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PlanView, RunView, Step, StepState } from '../../protocol/index.ts';
import { escapeMrkdwn, runMessage, textMessage } from './slack-blocks.ts';
import { isAllowedResponseUrl, SLACK_RESPONSE_ORIGINS } from './slack-replies.ts';

const PUBLIC_URL = 'https://skipper.example.com';

function found(steps: Step[], states: Partial<StepState>[], run: Partial<RunView> = {}) {
  const now = new Date('2026-06-01T09:00:00Z').toISOString();
  const plan = { id: randomUUID(), source: 'grammar', status: 'approved', version: 1, repairs: 0, steps, createdAt: now } as unknown as PlanView;
  const view: RunView = {
    id: '3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c',
    conversationId: '11111111-2222-4333-8444-555555555555',
    planId: plan.id,
    status: 'succeeded',
    attempt: 1,
    maxAttempts: 2,
    steps: states.map((state, index) => ({ index, status: 'succeeded', ...state })),
    earlierAttempts: [],
    createdAt: now,
    startedAt: now,
    endedAt: new Date('2026-06-01T09:00:01.5Z').toISOString(),
    ...run,
  };
  return { run: view, plan };
}

describe('Slack messages', () => {
  it('escapes what Slack reads as markup, and nothing else', () => {
    expect(escapeMrkdwn('<!channel> & <@U123|bob> *bold* `code`')).toBe('&lt;!channel&gt; &amp; &lt;@U123|bob&gt; *bold* `code`');
    expect(textMessage('a <b> & c')).toEqual({ response_type: 'ephemeral', text: 'a &lt;b&gt; &amp; c' });
  });

  it('shows a failed run with why, the values it read, and no link to a screenshot it never took', () => {
    const message = runMessage(
      PUBLIC_URL,
      found(
        [{ type: 'goto', url: 'https://shop.example' }, { type: 'extract', target: 'Price' }, { type: 'click', target: 'Buy' }],
        [{}, { output: { text: '€12 <b>' } }, { status: 'failed', error: { code: 'target-not-found', message: 'No "Buy" on the page.' } }],
        { status: 'failed' },
      ),
    );
    expect(message.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '❌ Run failed', emoji: true } });
    expect(message.blocks![1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Failed at step 3 of 3 (Click "Buy"): No "Buy" on the page.\n2 steps before it succeeded.' },
    });
    expect(message.blocks![2]).toEqual({ type: 'section', fields: [{ type: 'mrkdwn', text: '*Read the text of "Price"*\n"€12 &lt;b&gt;"' }] });
    expect(message.blocks![3]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `<${PUBLIC_URL}/c/11111111-2222-4333-8444-555555555555|Open the run in skipper>` } });
    expect(message.text).toBe('Run 3f2a9c1e failed: Failed at step 3 of 3 (Click "Buy"): No "Buy" on the page.\n2 steps before it succeeded.');
  });

  it('never repeats what a plan types into a password field', () => {
    const message = runMessage(
      PUBLIC_URL,
      found(
        [{ type: 'fill', target: 'Password', value: 'hunter2' }, { type: 'extract', target: 'Greeting' }],
        [{ status: 'failed', error: { code: 'action-failed', message: 'Could not type hunter2 into the field.' } }, { status: 'skipped' }],
        { status: 'failed' },
      ),
    );
    expect(JSON.stringify(message)).not.toContain('hunter2');
    expect(JSON.stringify(message)).toContain('[secret]');
  });

  it('keeps within Slack\'s limits: ten fields, 2,000 characters a field, 3,000 a section', () => {
    const steps: Step[] = Array.from({ length: 12 }, (_, index) => ({ type: 'extract', target: `Cell ${index}` }));
    const message = runMessage(PUBLIC_URL, found(steps, steps.map(() => ({ output: { text: 'x'.repeat(5_000) } }))));
    const fields = (message.blocks![2] as { fields: { text: string }[] }).fields;
    expect(fields).toHaveLength(10);
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(2_000);
    for (const block of message.blocks as { text?: { text: string } }[]) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
  });

  it('links the last screenshot the run took', () => {
    const artifactId = randomUUID();
    const message = runMessage(PUBLIC_URL, found([{ type: 'goto', url: 'https://a.example' }, { type: 'screenshot' }], [{}, { screenshot: { artifactId, bytes: 10 } }]));
    expect(JSON.stringify(message.blocks)).toContain(`<${PUBLIC_URL}/api/artifacts/${artifactId}|Last screenshot>`);
  });
});

describe('where Slack replies may go', () => {
  const slack = new Set(SLACK_RESPONSE_ORIGINS);
  it.each([
    ['https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN', true],
    ['https://hooks.slack.com:443/commands/T1/1/x', true],
    ['http://hooks.slack.com/commands/T1/1/x', false],
    ['https://hooks.slack.com:8443/commands/T1/1/x', false],
    ['https://hooks.slack.com.evil.example/commands', false],
    ['https://evil.example/?next=https://hooks.slack.com/', false],
    ['https://user:pass@hooks.slack.com/commands/T1/1/x', false],
    ['https://127.0.0.1/commands', false],
    ['http://169.254.169.254/latest/meta-data/', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s: %s', (url, allowed) => {
    expect(isAllowedResponseUrl(url, slack)).toBe(allowed);
  });
});
