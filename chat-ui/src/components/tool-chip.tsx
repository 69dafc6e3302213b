import type { ToolCallView } from '../message-parts.ts';

/** A small, quiet line saying what the assistant did with a tool, and why it failed if it did. */
export function ToolChip({ call }: { call: ToolCallView }) {
  return (
    <p className={`tool-chip tool-chip--${call.state}`} data-testid="tool-chip" data-tool={call.toolName} data-state={call.state}>
      <span className="tool-chip-label">{describeToolCall(call)}</span>
      {call.state === 'failed' && call.errorText && <span className="tool-chip-error">{call.errorText}</span>}
    </p>
  );
}

/** "Proposed a plan", "Looked at run 1a2b3c4d"; in the present tense while under way. */
function describeToolCall({ toolName, state, input }: ToolCallView): string {
  const running = state === 'running';
  const failed = state === 'failed';
  switch (toolName) {
    case 'propose_plan':
      return running ? 'Proposing a plan…' : failed ? 'Could not propose a plan' : 'Proposed a plan';
    case 'run_plan':
      return running ? 'Starting the plan…' : failed ? 'Could not start the plan' : 'Started the plan';
    case 'get_run': {
      const run = runNamed(input);
      return running ? `Looking at ${run}…` : failed ? `Could not look at ${run}` : `Looked at ${run}`;
    }
    case 'list_runs':
      return running ? 'Listing runs…' : failed ? 'Could not list runs' : 'Listed runs';
    case 'schedule_task':
      return running ? 'Scheduling the task…' : failed ? 'Could not schedule the task' : 'Scheduled the task';
  }
}

/** "run 1a2b3c4d" for the run the tool was asked about; "the latest run" when it named none. */
function runNamed(input: unknown): string {
  const runId = typeof input === 'object' && input !== null && 'runId' in input ? input.runId : undefined;
  return typeof runId === 'string' ? `run ${runId.slice(0, 8)}` : 'the latest run';
}
