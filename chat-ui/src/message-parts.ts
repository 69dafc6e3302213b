import type { UIMessage } from 'ai';
import { ASSISTANT_TOOL_NAMES } from '../../protocol/index.ts';
import type { AssistantToolName, ChatMessage, ChatMessagePart } from '../../protocol/index.ts';

/** A tool the assistant called, as the thread shows it: under way, done, or failed with why. */
export type ToolCallView = {
  type: 'tool';
  toolName: AssistantToolName;
  toolCallId: string;
  state: 'running' | 'done' | 'failed';
  input: unknown;
  output?: unknown;
  errorText?: string;
};

/** A part of a message as the thread shows it, whether it was stored or is still being written. */
export type ShownPart = Extract<ChatMessagePart, { type: 'text' | 'reasoning' | 'data-plan' | 'data-run' }> | ToolCallView;

/** What a reply's chunks built so far: its text, reasoning and tool calls. */
export type StreamedParts = readonly ShownPart[];

/**
 * The parts to show for a message. While it is being written, what its chunks built so far
 * comes first, then its plan and run, which only the stored message carries. Once it is stored
 * as it ended (or before any chunk arrived), the stored message is shown as it is.
 */
export function shownParts(message: ChatMessage, streamed: StreamedParts | undefined): ShownPart[] {
  const stored = storedParts(message);
  if (message.metadata.status !== 'streaming' || streamed === undefined) return stored;
  return [...streamed, ...stored.filter((part) => part.type === 'data-plan' || part.type === 'data-run')];
}

/** The parts of a stored message, with its finished tool calls as `tool` parts. */
export function storedParts(message: ChatMessage): ShownPart[] {
  return message.parts.map((part) => {
    if (part.type === 'text' || part.type === 'reasoning' || part.type === 'data-plan' || part.type === 'data-run') return part;
    const { toolCallId, input } = part;
    const toolName = part.type.slice('tool-'.length) as AssistantToolName;
    return part.state === 'output-available'
      ? { type: 'tool', toolName, toolCallId, state: 'done', input, output: part.output }
      : { type: 'tool', toolName, toolCallId, state: 'failed', input, errorText: part.errorText };
  });
}

/** The parts of a message the AI SDK built from chunks: text, reasoning and the assistant's tool calls, in order. */
export function streamedParts(message: UIMessage): StreamedParts {
  return message.parts.flatMap((part): ShownPart[] => {
    if (part.type === 'text' || part.type === 'reasoning') return [{ type: part.type, text: part.text }];
    const toolName = assistantToolName(part.type);
    if (toolName === undefined || !('toolCallId' in part)) return [];
    const { toolCallId, input } = part;
    if (part.state === 'output-available') return [{ type: 'tool', toolName, toolCallId, state: 'done', input, output: part.output }];
    if (part.state === 'output-error') return [{ type: 'tool', toolName, toolCallId, state: 'failed', input, errorText: part.errorText }];
    return [{ type: 'tool', toolName, toolCallId, state: 'running', input }];
  });
}

/** `tool-get_run` -> `get_run`, for the assistant's own tools only. */
function assistantToolName(partType: string): AssistantToolName | undefined {
  if (!partType.startsWith('tool-')) return undefined;
  const name = partType.slice('tool-'.length);
  return ASSISTANT_TOOL_NAMES.find((known) => known === name);
}

/** Whether a reply has said anything yet; until it has, it shows that it is being written. */
export function hasText(parts: readonly ShownPart[]): boolean {
  return parts.some((part) => part.type === 'text' && part.text.trim() !== '');
}
