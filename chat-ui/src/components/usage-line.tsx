import type { Usage } from '../../../protocol/index.ts';
import { formatUsage } from '../format-usage.ts';

/** Which model answered, the tokens it read and wrote, and what that is estimated to cost. */
export function UsageLine({ usage, label }: { usage: Usage; label: string }) {
  return (
    <p className="usage" data-testid="usage" title={`${usage.calls} model ${usage.calls === 1 ? 'call' : 'calls'}`}>
      <span className="visually-hidden">{label}: </span>
      {formatUsage(usage)}
    </p>
  );
}
