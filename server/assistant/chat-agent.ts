import { hasToolCall, isStepCount, streamText, toUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { ASSISTANT_TOOL_NAMES, type ErrorInfo, type PlanView, type RunView } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { Models } from '../models/create-models.ts';
import { ReplyStopped } from '../models/reply-stopped.ts';
import type { UsageMeter } from '../models/usage-meter.ts';
import { describePlanningResources } from '../planner/planning-resources.ts';
import type { Prompt } from '../prompts/load-prompt.ts';
import type { StoredPart } from '../store/store.ts';
import { createAssistantTools, type ToolContext, type ToolDependencies } from './assistant-tools.ts';
import { describeModelError } from './describe-model-error.ts';
import { toModelMessages } from './model-history.ts';
import type { ReplyOutcome } from './reply-streams.ts';

/** The reply to write: where it goes and the conversation it answers (ending with what it answers). */
export type ReplyInput = ToolContext & {
  emit(chunk: UIMessageChunk): void;
  /** A run that has just ended: the reply is its closing message (it proposes nothing). */
  closing?: { run: RunView; plan: PlanView };
};

export type ChatAgent = {
  /** Writes one reply with the chat model and its tools; always resolves with how it ended. */
  reply(input: ReplyInput): Promise<ReplyOutcome>;
};

export type ChatAgentOptions = Omit<ToolDependencies, 'meter' | 'historyTokens'> & {
  models: Models;
  prompt: Prompt;
  meter: UsageMeter;
  /** Most tokens of history sent with a request. */
  historyTokens: number;
  /** Most model calls in one reply. */
  maxSteps: number;
  logger: Logger;
};

/**
 * The assistant (ARCHITECTURE D7, D8): `streamText` with the conversation as history and the
 * plan and run tools, in a bounded loop that ends when a plan is proposed or run. The budget
 * is checked before every model call; every call's usage is recorded against the reply.
 */
export function createChatAgent(options: ChatAgentOptions): ChatAgent {
  const { models, prompt, meter, logger } = options;

  return {
    async reply(input) {
      const { ownerId, conversationId, messageId } = input;
      try {
        await meter.assertWithinBudget({ ownerId });
      } catch (error) {
        return failed([], describeModelError(error));
      }
      const tools = createAssistantTools(input, { ...options, meter, historyTokens: options.historyTokens });
      // Filled in by the stream's callbacks.
      const end: { response?: UIMessage; ending: 'completed' | 'aborted' | 'failed'; failure?: unknown } = { ending: 'completed' };

      const result = streamText({
        model: models.chat.model,
        instructions: `${prompt.text}\n\n${situation(input)}`,
        messages: toModelMessages(input.history, { tokenBudget: options.historyTokens }),
        tools,
        // A closing message reads runs; it proposes and runs nothing.
        activeTools: input.closing ? ['get_run', 'list_runs'] : [...ASSISTANT_TOOL_NAMES],
        stopWhen: [isStepCount(options.maxSteps), hasToolCall('propose_plan'), hasToolCall('run_plan')],
        async prepareStep({ stepNumber }) {
          if (stepNumber > 0) await meter.assertWithinBudget({ ownerId });
          return {};
        },
        abortSignal: input.signal,
        ...models.call,
        // A stream that goes quiet for half a call's time is as good as hung.
        timeout: { ...models.call.timeout, chunkMs: Math.ceil(models.call.timeout.stepMs / 2) },
        async onStepEnd({ usage, performance }) {
          await meter
            .record({ ownerId, conversationId, messageId, purpose: input.closing ? 'summary' : 'chat', model: models.chat.name, usage, durationMs: performance.stepTimeMs })
            .catch((error: unknown) => logger.error({ err: error }, 'could not record model usage'));
        },
        onError({ error }) {
          end.failure ??= error;
        },
      });

      const stream = toUIMessageStream({
        stream: result.stream,
        tools,
        generateMessageId: () => messageId,
        onError(error) {
          // The first error is the cause; later ones report its consequences.
          end.failure ??= error;
          return describeModelError(end.failure).message;
        },
        onEnd({ responseMessage, outcome }) {
          end.response = responseMessage;
          if (outcome.status === 'aborted') end.ending = 'aborted';
          if (outcome.status === 'failed') {
            end.ending = 'failed';
            end.failure ??= outcome.error;
          }
        },
      });
      try {
        for await (const chunk of stream) input.emit(chunk);
      } catch (error) {
        // A connection dropped mid-stream is thrown, not sent as an error chunk.
        end.ending = 'failed';
        end.failure ??= error;
      }

      const parts = storedParts(end.response);
      if (input.signal.aborted) {
        const reason: unknown = input.signal.reason;
        if (ReplyStopped.isInstance(reason) && reason.why === 'server-stopping') {
          return failed(parts, { code: 'internal', message: 'The reply was cut off because skipper was restarting. Send your message again.' });
        }
        return { parts, status: 'stopped' };
      }
      // Aborted without anyone asking: one of the model call's timeouts ran out.
      if (end.ending === 'aborted') return failed(parts, { code: 'model-unavailable', message: 'The language model did not answer in time.' });
      if (end.ending === 'failed' || end.failure !== undefined) return failed(parts, describeModelError(end.failure));
      return { parts, status: 'complete' };
    },
  };
}

function failed(parts: StoredPart[], error: ErrorInfo): ReplyOutcome {
  return { parts, status: 'failed', error };
}

/** What the model should know about this moment: the date, how plans run here, and what to close. */
function situation({ autoRun, closing, resources }: ReplyInput): string {
  const lines = [`Now: ${new Date().toISOString()}.`];
  if (resources) lines.push(describePlanningResources(resources));
  lines.push(
    autoRun
      ? 'This conversation runs plans without asking: a plan you propose starts at once.'
      : 'In this conversation a plan waits for the person to press Run (or to ask you to run it).',
  );
  if (closing) {
    lines.push(
      `Run ${closing.run.id} (plan ${closing.plan.id}) has just ended: ${closing.run.status}. Write its closing message now, ` +
        'answering what the person asked with what the run read. Do not propose a new plan.',
    );
  }
  return lines.join('\n');
}

/** What the reply says, as stored: its text, reasoning and finished tool calls. */
function storedParts(message: UIMessage | undefined): StoredPart[] {
  const parts: StoredPart[] = [];
  for (const part of message?.parts ?? []) {
    if ((part.type === 'text' || part.type === 'reasoning') && part.text.length > 0) parts.push({ type: part.type, text: part.text });
    if (!part.type.startsWith('tool-') || !('toolCallId' in part)) continue;
    const type = part.type as StoredPart['type'] & `tool-${string}`;
    if (part.state === 'output-available') parts.push({ type, toolCallId: part.toolCallId, state: 'output-available', input: part.input, output: part.output });
    if (part.state === 'output-error') parts.push({ type, toolCallId: part.toolCallId, state: 'output-error', input: part.input, errorText: part.errorText });
  }
  return parts;
}
