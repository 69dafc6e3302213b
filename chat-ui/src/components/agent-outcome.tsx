import type { StepOutput } from '../../../protocol/index.ts';
import { describeAgentEnd } from '../ai-step-summary.ts';

/** How an `agent` step ended (finished, or out of actions) and what it said it did. */
export function AgentOutcome({ agent }: { agent: NonNullable<StepOutput['agent']> }) {
  return (
    <div className="step-output" data-testid="agent-outcome" data-finished={agent.finished}>
      <p className={agent.finished ? 'agent-end' : 'agent-end agent-end--limit'}>
        {describeAgentEnd(agent)}
        {agent.summary ? ':' : '.'}
      </p>
      {agent.summary && <blockquote>{agent.summary}</blockquote>}
    </div>
  );
}
