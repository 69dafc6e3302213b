import type { ChatMessage, CreateRunBody, PostMessageBody, RunView } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import { commandHelp, parseCommands } from '../planner/command-grammar.ts';
import type { ModelPlanner } from '../planner/model-planner.ts';
import type { AppendAssistantResult, FinishedRun, HeldRun, NewAssistantMessage, NewPlan, Store } from '../store/store.ts';
import { toModelMessages } from './model-history.ts';
import { summarizeRun } from './run-summary.ts';

/** Where the request came from: help replies point their examples at this skipper's demo site. */
export type RequestContext = { baseUrl: string };

export type ChatService = {
  /**
   * Stores what the person wrote and replies: a plan with a queued run, a question, or help.
   * Returns both messages. Posting again with the same `clientMessageId` returns the same two,
   * writing the reply first if an earlier attempt stored the message but not its reply.
   */
  postMessage(ownerId: string, conversationId: string, body: PostMessageBody, context: RequestContext): Promise<ChatMessage[]>;
  /** Queues a run from steps or a prompt, in the given conversation or a new one. */
  createRun(ownerId: string, body: CreateRunBody, context: RequestContext): Promise<{ run: RunView; conversationId: string }>;
  /** Queues a new run of a plan, in the plan's conversation. */
  runPlan(ownerId: string, planId: string): Promise<{ run: RunView; conversationId: string }>;
  /** Posts the closing message of a run that ended (once: a second call changes nothing). */
  summarizeRun(finished: FinishedRun): Promise<void>;
  /** Posts the closing messages that were not written (the server stopped after the run ended). */
  summarizePending(): Promise<void>;
  /** Deletes a conversation with everything in it, stopping its runs. */
  deleteConversation(ownerId: string, conversationId: string): Promise<void>;
};

export type ChatServiceOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** Plans what the command grammar does not understand; without it, such messages get help. */
  planner?: ModelPlanner;
  /** Attempts each run gets if its runner is lost. */
  maxAttempts: number;
  /** Runs a person may have waiting at once. */
  maxQueuedRuns: number;
  /** Called after a run is queued, so a runner can pick it up at once. */
  onRunQueued(): void;
  /** Runners holding these runs must stop them (their conversation was deleted). */
  stopRuns(held: HeldRun[]): void;
};

/** A plan to run, or words to say instead. */
type Planned = { kind: 'plan'; plan: NewPlan; reply: string } | { kind: 'reply'; reply: string };

export function createChatService(options: ChatServiceOptions): ChatService {
  const { store, hub, logger, planner, maxAttempts, maxQueuedRuns, onRunQueued } = options;
  const runOptions = { maxAttempts, maxQueued: maxQueuedRuns };

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

  /** Appends an assistant message and tells watchers; null when the conversation is gone. */
  async function append(ownerId: string, conversationId: string, input: NewAssistantMessage): Promise<AppendAssistantResult> {
    const result = await store.messages.appendAssistant(ownerId, conversationId, input);
    if (!result) throw SkipperError.notFound('conversation');
    if (result.status === 'appended') {
      hub.publish(result.change);
      if (result.runId) onRunQueued();
    }
    return result;
  }

  function tooManyRuns(queued: number): SkipperError {
    return new SkipperError(
      'too-many-runs',
      `You already have ${queued} runs waiting, the most allowed at once. Wait for some to finish, or cancel some, then try again.`,
    );
  }

  /** A queued run as the API returns it. */
  async function queuedRun(ownerId: string, conversationId: string, result: AppendAssistantResult) {
    if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
    if (result.status !== 'appended' || !result.runId) throw new Error('the run was not queued');
    const created = await store.runs.get(ownerId, result.runId);
    return { run: created!.run, conversationId };
  }

  async function appendUser(ownerId: string, conversationId: string, body: PostMessageBody) {
    const appended = await store.messages.appendUser(ownerId, conversationId, body);
    if (!appended) throw SkipperError.notFound('conversation');
    if (!appended.duplicate) hub.publish(appended.change);
    return appended;
  }

  const service: ChatService = {
    async postMessage(ownerId, conversationId, body, context) {
      const user = await appendUser(ownerId, conversationId, body);
      if (user.duplicate) {
        const earlier = await store.messages.replyTo(ownerId, user.message.id);
        if (earlier) return [user.message, earlier];
        // The first attempt stored the message but not its reply: write the reply now.
      }
      // Only the model reads the conversation so far; the grammar does not need it loaded.
      const history = async () =>
        ((await store.messages.page(ownerId, conversationId, { before: user.message.id, limit: 50 }))?.messages ?? []);
      const planned = await plan(body.text, history, context);
      const reply = { replyTo: user.message.id, text: planned.reply };
      let result = await append(ownerId, conversationId, planned.kind === 'plan' ? { ...reply, plan: planned.plan, run: runOptions } : reply);
      if (result.status === 'too-many-runs' && planned.kind === 'plan') {
        // The plan is kept, so it can be run once earlier runs are done.
        result = await append(ownerId, conversationId, { ...reply, text: tooManyRuns(result.queued).message, plan: planned.plan });
      }
      if (result.status === 'too-many-runs') throw new Error('a reply without a run cannot hit the run limit');
      return [user.message, result.message];
    },

    async createRun(ownerId, body, context) {
      const { conversationId: existing } = body;
      if (existing && !(await store.conversations.get(ownerId, existing))) throw SkipperError.notFound('conversation');
      // Plan before writing anything, so a request that cannot run leaves no trace.
      let planned: Planned;
      if ('prompt' in body) {
        const history = async () => (existing ? ((await store.messages.page(ownerId, existing, { limit: 50 }))?.messages ?? []) : []);
        planned = await plan(body.prompt, history, context);
        if (planned.kind === 'reply') throw new SkipperError('unrecognized-command', planned.reply);
      } else {
        planned = { kind: 'plan', plan: { source: 'api', steps: body.steps }, reply: `Running ${body.steps.length} steps sent through the API.` };
      }
      // A prompt names its conversation through the first message; bare steps need a title.
      const title = 'prompt' in body ? undefined : 'Run from the API';
      const conversationId = existing ?? (await store.conversations.create(ownerId, { ...(title && { title }) })).id;
      const user = 'prompt' in body ? await appendUser(ownerId, conversationId, { text: body.prompt }) : undefined;
      const result = await append(ownerId, conversationId, {
        text: planned.reply,
        plan: planned.plan,
        run: runOptions,
        ...(user && { replyTo: user.message.id }),
      });
      return queuedRun(ownerId, conversationId, result);
    },

    async runPlan(ownerId, planId) {
      const plan = await store.plans.get(ownerId, planId);
      if (!plan) throw SkipperError.notFound('plan');
      const count = plan.steps.length;
      const result = await append(ownerId, plan.conversationId, {
        text: `Running this plan: ${count} ${count === 1 ? 'step' : 'steps'}.`,
        plan: { id: plan.id },
        run: runOptions,
      });
      return queuedRun(ownerId, plan.conversationId, result);
    },

    async summarizeRun(finished) {
      const { ownerId, conversationId } = finished.change;
      const result = await store.messages.appendAssistant(ownerId, conversationId, {
        text: summarizeRun(finished),
        summaryOf: finished.run.id,
      });
      if (result?.status === 'appended') hub.publish(result.change);
    },

    async summarizePending() {
      for (const finished of await store.queue.unsummarized(100)) await service.summarizeRun(finished);
    },

    async deleteConversation(ownerId, conversationId) {
      const deleted = await store.conversations.delete(ownerId, conversationId);
      if (!deleted) throw SkipperError.notFound('conversation');
      options.stopRuns(deleted.held);
      hub.publishDeleted(ownerId, conversationId);
    },
  };
  return service;
}
