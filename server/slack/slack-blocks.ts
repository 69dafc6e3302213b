import { extractedValues, lastScreenshotUrl, runHeadline, runUrl, shortId, statusWord, truncate, type RunWithPlan } from '../commands/describe-run.ts';

// Messages for Slack: text and Block Kit (https://api.slack.com/block-kit). Everything is
// ephemeral (only the person who sent the command sees it): a run may read private data.

export type SlackBlock = Record<string, unknown>;

/** What skipper sends Slack: as the command's acknowledgement, or POSTed to its response_url. */
export type SlackMessage = {
  response_type: 'ephemeral';
  /** Shown in notifications, and instead of the blocks where they cannot be shown. */
  text: string;
  blocks?: SlackBlock[];
  /** Later replies add a message instead of replacing the acknowledgement. */
  replace_original?: false;
};

/** Slack's limits: a section's text, a field, a header, fields in a section. */
const MAX_SECTION_TEXT = 3_000;
const MAX_FIELD_TEXT = 2_000;
const MAX_HEADER_TEXT = 150;
const MAX_FIELDS = 10;

/**
 * `text` made safe for mrkdwn: Slack reads `&`, `<` and `>` as markup (links, `<!channel>`
 * mentions), so text from pages and plans must escape them.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function textMessage(text: string): SlackMessage {
  return { response_type: 'ephemeral', text: escapeMrkdwn(truncate(text, MAX_SECTION_TEXT * 3)) };
}

const HEADERS: Record<RunWithPlan['run']['status'], string> = {
  queued: '⏳ Run queued',
  running: '▶️ Run in progress',
  succeeded: '✅ Run succeeded',
  failed: '❌ Run failed',
  cancelled: '⏹️ Run cancelled',
};

/**
 * A run as Block Kit: its status, what happened, the values it read, and links to the run in
 * skipper and to its last screenshot.
 */
export function runMessage(publicUrl: string, found: RunWithPlan): SlackMessage {
  const { run, plan } = found;
  const headline = runHeadline(found);
  const values = extractedValues(found);
  const screenshot = lastScreenshotUrl(publicUrl, run);
  const links = [`<${runUrl(publicUrl, run)}|Open the run in skipper>`, ...(screenshot ? [`<${screenshot}|Last screenshot>`] : [])];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(HEADERS[run.status], MAX_HEADER_TEXT), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(truncate(headline, MAX_SECTION_TEXT)) } },
  ];
  if (values.length > 0) {
    blocks.push({
      type: 'section',
      fields: values.slice(0, MAX_FIELDS).map(({ label, value }) => ({
        type: 'mrkdwn',
        text: truncate(`*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value)}`, MAX_FIELD_TEXT),
      })),
    });
  }
  blocks.push(
    { type: 'section', text: { type: 'mrkdwn', text: links.join('  ·  ') } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Run \`${shortId(run.id)}\` · ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} · ${run.status}` }],
    },
  );
  return {
    response_type: 'ephemeral',
    text: escapeMrkdwn(truncate(`Run ${shortId(run.id)} ${statusWord(run)}: ${headline}`, MAX_SECTION_TEXT)),
    blocks,
  };
}
