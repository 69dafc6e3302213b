import type { ChatMessage, CreateRunBody, PostMessageBody, RunView } from '../../protocol/index.ts';
import { ApiError } from '../http/api-error.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import { commandHelp, parseCommands } from '../planner/command-grammar.ts';
import type { ModelPlanner } from '../planner/model-planner.ts';
import type { FinishedRun, NewPlan, Store } from '../store/store.ts';
import { toModelMessages } from './model-history.ts';
import { summarizeRun } from './run-summary.ts';

/** Where the request came from: help replies point their examples at this skipper's demo site. */
export type RequestContext = { baseUrl: string };

export type ChatService = {
  /** Stores what the person wrote and replies: a plan with a queued run, a question, or help. Returns both messages. */
  postMessage(ownerId: string, conversationId: string, body: PostMessageBody, context: RequestContext): Promise<ChatMessage[]>;
  /** Queues a run from steps or a prompt, in the given conversation or a new one. */
  createRun(ownerId: string, body: CreateRunBody, context: RequestContext): Promise<{ run: RunView; conversationId: string }>;
  /** Posts the closing message of a run that ended. */
  summarizeRun(finished: FinishedRun): Promise<void>;
};

export type ChatServiceOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** Plans what the command grammar does not understand; without it, such messages get help. */
  planner?: ModelPlanner;
  /** Attempts each run gets if its runner is lost. */
  maxAttempts: number;
  /** Called after a run is queued, so a runner can pick it up at once. */
  onRunQueued(): void;
};

/** A plan to run, or words to say instead. */
type Planned = { kind: 'plan'; plan: NewPlan; reply: string } | { kind: 'reply'; reply: string };

export function createChatService({ store, hub, logger, planner, maxAttempts, onRunQueued }: ChatServiceOptions): ChatService {
  /** The command grammar first (instant, free, exact); a model, if configured, for the rest. */
  async function plan(text: string, history: () => Promise<ChatMessage[]>, { baseUrl }: RequestContext): Promise<Planned> {
    const parsed = parseCommands(text);
    if (parsed.ok) {
      const count = parsed.steps.length;
      return {
        kind: 'plan',
        plan: { source: 'grammar', steps: parsed.steps },
        reply: `Here is the plan: ${count} ${count === 1 ? 'step' : 'steps'}. Running it now.`,
      };
    }
    if (!planner) return { kind: 'reply', reply: commandHelp({ problem: parsed.error.message, baseUrl }) };
    try {
      const result = await planner.plan({ messages: [...toModelMessages(await history()), { role: 'user', content: text }] });
      if (result.kind === 'reply') return result;
      const { steps, model, prompt } = result;
      return { kind: 'plan', plan: { source: 'model', steps, model, prompt }, reply: result.reply };
    } catch (error) {
      logger.warn({ err: error }, 'the language model could not plan a message');
      return {
        kind: 'reply',
        reply:
          'I could not get a plan from the language model, so nothing was run. Your message is saved: send it again to retry, ' +
          `or write it as commands.\n\n${commandHelp({ baseUrl })}`,
      };
    }
  }

  async function reply(ownerId: string, conversationId: string, planned: Planned) {
    const appended = await store.messages.appendAssistant(
      ownerId,
      conversationId,
      planned.kind === 'plan' ? { text: planned.reply, plan: planned.plan, run: { maxAttempts } } : { text: planned.reply },
    );
    if (!appended) throw ApiError.notFound('conversation');
    hub.publish(appended.change);
    if (appended.runId) onRunQueued();
    return appended;
  }

  async function appendUser(ownerId: string, conversationId: string, body: PostMessageBody) {
    const appended = await store.messages.appendUser(ownerId, conversationId, body);
    if (!appended) throw ApiError.notFound('conversation');
    if (!appended.duplicate) hub.publish(appended.change);
    return appended;
  }

  return {
    async postMessage(ownerId, conversationId, body, context) {
      const user = await appendUser(ownerId, conversationId, body);
      if (user.duplicate) {
        const earlier = await store.messages.replyTo(ownerId, user.message.id);
        return earlier ? [user.message, earlier] : [user.message];
      }
      // Only the model reads the conversation so far; the grammar does not need it loaded.
      const history = async () =>
        ((await store.conversations.messages(ownerId, conversationId))?.messages ?? []).filter((message) => message.id !== user.message.id);
      const { message } = await reply(ownerId, conversationId, await plan(body.text, history, context));
      return [user.message, message];
    },

    async createRun(ownerId, body, context) {
      const { conversationId: existing } = body;
      if (existing && !(await store.conversations.get(ownerId, existing))) throw ApiError.notFound('conversation');
      // Plan before writing anything, so a request that cannot run leaves no trace.
      let planned: Planned;
      if ('prompt' in body) {
        const history = async () => (existing ? ((await store.conversations.messages(ownerId, existing))?.messages ?? []) : []);
        planned = await plan(body.prompt, history, context);
        if (planned.kind === 'reply') throw new ApiError(422, 'unrecognized-command', planned.reply);
      } else {
        planned = { kind: 'plan', plan: { source: 'api', steps: body.steps }, reply: `Running ${body.steps.length} steps sent through the API.` };
      }
      // A prompt names its conversation through the first message; bare steps need a title.
      const title = 'prompt' in body ? undefined : 'Run from the API';
      const conversationId = existing ?? (await store.conversations.create(ownerId, { ...(title && { title }) })).id;
      if ('prompt' in body) await appendUser(ownerId, conversationId, { text: body.prompt });
      const { runId } = await reply(ownerId, conversationId, planned);
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
