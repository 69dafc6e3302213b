import type { ConnectionState } from '../live-socket.ts';

const LABELS: Record<ConnectionState, { text: string; title: string }> = {
  connecting: { text: 'Connecting…', title: 'Connecting for live updates.' },
  live: { text: 'Live', title: 'Step updates appear as they happen.' },
  reconnecting: { text: 'Reconnecting…', title: 'The live connection dropped. Retrying; nothing is lost meanwhile.' },
  stopped: { text: 'Reload to update', title: 'This page is older than the server. Reload it to get live updates again.' },
};

export function ConnectionStatus({ state }: { state: ConnectionState }) {
  const { text, title } = LABELS[state];
  return (
    <p className={`connection connection--${state}`} data-testid="connection-status" data-state={state} title={title} role="status">
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
