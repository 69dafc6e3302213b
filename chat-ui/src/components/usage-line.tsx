import type { Usage } from '../../../protocol/index.ts';
import { formatCalls, formatUsage } from '../format-usage.ts';

type UsageLineProps = {
  usage: Usage;
  /** What used it ("This reply used"). */
  label: string;
  /** Show the label, where several usage lines sit together; default: for screen readers only. */
  labelShown?: boolean;
};

/** Which model answered, the tokens it read and wrote, and what that is estimated to cost. */
export function UsageLine({ usage, label, labelShown = false }: UsageLineProps) {
  return (
    <p className="usage" data-testid="usage" title={formatCalls(usage.calls)}>
      <span className={labelShown ? undefined : 'visually-hidden'}>{label}: </span>
      {formatUsage(usage)}
    </p>
  );
}
