import type { ChatMessage, CreateRunBody, PostMessageBody, RunView, Step } from '../../protocol/index.ts';
import { ApiError } from '../http/api-error.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import { commandHelp, parseCommands } from '../planner/command-grammar.ts';
import type { FinishedRun, NewPlan, Store } from '../store/store.ts';
import { summarizeRun } from './run-summary.ts';

export type ChatService = {
  /** Stores what the person wrote and replies: a plan with a queued run, or help. Returns both messages. */
  postMessage(ownerId: string, conversationId: string, body: PostMessageBody, context: RequestContext): Promise<ChatMessage[]>;
  /** Queues a run from steps or a command prompt, in the given conversation or a new one. */
  createRun(ownerId: string, body: CreateRunBody, context: RequestContext): Promise<{ run: RunView; conversationId: string }>;
  /** Posts the closing message of a run that ended. */
  summarizeRun(finished: FinishedRun): Promise<void>;
};

/** Where the request came from: help replies point their examples at this skipper's demo site. */
export type RequestContext = { baseUrl: string };

export type ChatServiceOptions = {
  store: Store;
  hub: ConversationHub;
  /** Attempts each run gets if its runner is lost. */
  maxAttempts: number;
  /** Called after a run is queued, so a runner can pick it up at once. */
  onRunQueued(): void;
};

export function createChatService({ store, hub, maxAttempts, onRunQueued }: ChatServiceOptions): ChatService {
  async function replyWithPlan(ownerId: string, conversationId: string, plan: NewPlan) {
    const count = plan.steps.length;
    const appended = await store.messages.appendAssistant(ownerId, conversationId, {
      text: `Here is the plan: ${count} ${count === 1 ? 'step' : 'steps'}. Running it now.`,
      plan,
      run: { maxAttempts },
    });
    if (!appended) throw ApiError.notFound('conversation');
    hub.publish(appended.change);
    onRunQueued();
    return appended;
  }

  async function appendUser(ownerId: string, conversationId: string, body: PostMessageBody) {
    const appended = await store.messages.appendUser(ownerId, conversationId, body);
    if (!appended) throw ApiError.notFound('conversation');
    if (!appended.duplicate) hub.publish(appended.change);
    return appended;
  }

  return {
    async postMessage(ownerId, conversationId, body, { baseUrl }) {
      const user = await appendUser(ownerId, conversationId, body);
      if (user.duplicate) {
        const reply = await store.messages.replyTo(ownerId, user.message.id);
        return reply ? [user.message, reply] : [user.message];
      }
      const parsed = parseCommands(body.text);
      if (parsed.ok) {
        const { message } = await replyWithPlan(ownerId, conversationId, { source: 'grammar', steps: parsed.steps });
        return [user.message, message];
      }
      const help = await store.messages.appendAssistant(ownerId, conversationId, {
        text: commandHelp({ problem: parsed.error.message, baseUrl }),
      });
      if (!help) throw ApiError.notFound('conversation');
      hub.publish(help.change);
      return [user.message, help.message];
    },

    async createRun(ownerId, body, { baseUrl }) {
      // Understand the request before writing anything, so a bad prompt leaves no trace.
      let steps: Step[];
      if ('prompt' in body) {
        const parsed = parseCommands(body.prompt);
        if (!parsed.ok) {
          throw new ApiError(422, 'unrecognized-command', commandHelp({ problem: parsed.error.message, baseUrl }));
        }
        steps = parsed.steps;
      } else {
        steps = body.steps;
      }
      // A prompt names its conversation through the first message; bare steps need a title.
      const title = 'prompt' in body ? undefined : 'Run from the API';
      const conversationId = body.conversationId ?? (await store.conversations.create(ownerId, { ...(title && { title }) })).id;
      if ('prompt' in body) await appendUser(ownerId, conversationId, { text: body.prompt });
      const { runId } = await replyWithPlan(ownerId, conversationId, { source: 'prompt' in body ? 'grammar' : 'api', steps });
      const created = await store.runs.get(ownerId, runId!);
      return { run: created!.run, conversationId };
    },

    async summarizeRun(finished) {
      const { ownerId, conversationId } = finished.change;
      const appended = await store.messages.appendAssistant(ownerId, conversationId, { text: summarizeRun(finished) });
      if (appended) hub.publish(appended.change);
    },
  };
}
