import type { ModelAnswer, ModelRequest } from '../../protocol/index.ts';
import type { CallModel, ModelCallRef } from '../connection/model-calls.ts';

type StagehandRequest = Extract<ModelRequest, { kind: 'stagehand' }>;
type Answers = {
  stagehand?(request: StagehandRequest): Extract<ModelAnswer, { kind: 'stagehand' }>;
  extractRule?(request: Extract<ModelRequest, { kind: 'extract-rule' }>): Extract<ModelAnswer, { kind: 'extract-rule' }>;
};

export type ScriptedModel = {
  callModel: CallModel;
  /** Every call made, in order. */
  calls: { ref: ModelCallRef; request: ModelRequest }[];
};

/** The model, faked: the runner's own seam (callModel) answered by a script that reads the request. */
export function scriptedModel(answers: Answers): ScriptedModel {
  const calls: ScriptedModel['calls'] = [];
  return {
    calls,
    async callModel(ref, request) {
      calls.push({ ref, request });
      const answer = request.kind === 'stagehand' ? answers.stagehand?.(request) : answers.extractRule?.(request);
      if (!answer) throw new Error(`the script has no answer for a ${request.kind} call`);
      return answer;
    },
  };
}

/** All the text of a Stagehand request: system prompt, instructions and the accessibility tree. */
export function promptText(request: StagehandRequest): string {
  return request.messages
    .flatMap((message) => {
      if (message.role === 'system') return [message.content];
      return message.content.map((part) => ('text' in part ? part.text : JSON.stringify(part)));
    })
    .join('\n');
}

/** Which Stagehand call this is, from the answer it asks for. */
export function requestKind(request: StagehandRequest): 'act' | 'observe' | 'extract' | 'agent' {
  if (request.tools) return 'agent';
  const properties = Object.keys((request.jsonSchema?.['properties'] ?? {}) as object);
  if (properties.includes('twoStep')) return 'act';
  if (properties.includes('elements')) return 'observe';
  return 'extract';
}

/**
 * The id (`0-38`) of the first element matching `role` within the list item (or article) of the
 * accessibility tree that mentions `name`, found by indentation as a model would by reading.
 */
export function elementIdInItem(request: StagehandRequest, name: string, role: RegExp): string {
  const lines = promptText(request).split('\n');
  const nameAt = lines.findIndex((line) => /^\s*\[\d+-\d+\]/.test(line) && line.includes(name));
  if (nameAt < 0) throw new Error(`the accessibility tree does not mention ${name}`);
  const indent = (line: string) => line.length - line.trimStart().length;
  let itemAt = nameAt;
  while (itemAt > 0 && !(indent(lines[itemAt]!) < indent(lines[nameAt]!) && /listitem|article/.test(lines[itemAt]!))) itemAt -= 1;
  for (let at = itemAt + 1; at < lines.length && indent(lines[at]!) > indent(lines[itemAt]!); at += 1) {
    if (role.test(lines[at]!)) return /\[(\d+-\d+)\]/.exec(lines[at]!)![1]!;
  }
  throw new Error(`no ${role} in the item of ${name}`);
}

/** Every element id of the tree whose line matches `pattern`. */
export function elementIds(request: StagehandRequest, pattern: RegExp): string[] {
  return promptText(request)
    .split('\n')
    .filter((line) => pattern.test(line))
    .map((line) => /\[(\d+-\d+)\]/.exec(line)![1]!);
}

const usage = { inputTokens: 100, outputTokens: 10 };

export function jsonAnswer(value: unknown): Extract<ModelAnswer, { kind: 'stagehand' }> {
  return { kind: 'stagehand', text: JSON.stringify(value), toolCalls: [], finishReason: 'stop', ...usage };
}

let toolCallNumber = 0;
export function toolCallAnswer(toolName: string, input: Record<string, unknown>): Extract<ModelAnswer, { kind: 'stagehand' }> {
  toolCallNumber += 1;
  return { kind: 'stagehand', toolCalls: [{ toolCallId: `call-${toolCallNumber}`, toolName, input: input as never }], finishReason: 'tool-calls', ...usage };
}
