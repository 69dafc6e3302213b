import { useState } from 'react';
import type { SlackLinkCodeResponse } from '../../../protocol/index.ts';
import type { ApiClient } from '../api-client.ts';
import { describeError } from '../api-error.ts';
import { formatFullTime } from '../format-time.ts';
import { RequestButton } from './request-button.tsx';

/**
 * The sidebar's "Link Slack": a one-time code to send from Slack (`/link CODE`), so that Slack
 * account can run tasks as you. Shown once; a new one can be asked for at any time.
 */
export function SlackLink({ api }: { api: ApiClient }) {
  const [code, setCode] = useState<SlackLinkCodeResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function getCode() {
    setBusy(true);
    setError(null);
    api.createSlackLinkCode().then(
      (created) => {
        setCode(created);
        setBusy(false);
      },
      (reason: unknown) => {
        setError(describeError(reason));
        setBusy(false);
      },
    );
  }

  return (
    <details className="slack-link" data-testid="slack-link">
      <summary>Link Slack</summary>
      <p className="sidebar-note">Run tasks from Slack with /run, /status and more: get a code, then send it from Slack within ten minutes.</p>
      {code && (
        <p className="slack-link-code">
          Send <code data-testid="slack-link-code">/link {code.code}</code> in Slack
          <span className="sidebar-note" title={formatFullTime(code.expiresAt)}>
            {' '}
            (works once, until {new Date(code.expiresAt).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' })})
          </span>
        </p>
      )}
      <RequestButton label={code ? 'Get a new code' : 'Get a code'} busyLabel="Getting a code…" busy={busy} error={error} onClick={getCode} />
    </details>
  );
}
