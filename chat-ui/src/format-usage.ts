import type { Usage } from '../../protocol/index.ts';

const tokenFormat = new Intl.NumberFormat('en-US');

/** "fake-chat · 1,200 tokens in, 350 out · $0.0012"; the cost is left out for a model without a price. */
export function formatUsage(usage: Usage): string {
  const tokens = `${tokenFormat.format(usage.inputTokens)} tokens in, ${tokenFormat.format(usage.outputTokens)} out`;
  return [usage.model, tokens, ...(usage.costUsd === undefined ? [] : [formatCost(usage.costUsd)])].join(' · ');
}

/** Model calls cost fractions of a cent: four decimals below a dollar ("$0.0012"), cents above. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.0001) return 'under $0.0001';
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/** "1 model call", "3 model calls". */
export function formatCalls(calls: number): string {
  return `${calls} model ${calls === 1 ? 'call' : 'calls'}`;
}
