import type { BrowserOptions, ChatMessage, Conversation, CreateRunBody, PlanView, PostMessageBody, RunView, Step, UpdateConversationBody } from '../../protocol/index.ts';
import type { ChatAgent } from '../assistant/chat-agent.ts';
import { toModelMessages } from '../assistant/model-history.ts';
import type { ReplyStreams } from '../assistant/reply-streams.ts';
import { parseBotCommand } from '../commands/bot-commands.ts';
import type { BotCommandExecutor } from '../commands/execute-bot-command.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { assertAttachedFiles } from '../files/plan-attachments.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import { commandHelp, parseCommands } from '../planner/command-grammar.ts';
import { commandPlan, type PromptPlanner } from '../planner/plan-prompt.ts';
import type { UsageMeter } from '../models/usage-meter.ts';
import type { CallUsage, ModelPlanner } from '../planner/model-planner.ts';
import { describePlanningResources, loadPlanningResources } from '../planner/planning-resources.ts';
import type { Prompt } from '../prompts/load-prompt.ts';
import { textParts, type AppendAssistantResult, type FinishedRun, type HeldRun, type NewAssistantMessage, type NewPlan, type Store } from '../store/store.ts';
import type { PlanRepair } from './plan-repair.ts';
import { summarizeRun } from './run-summary.ts';

export type ChatService = {
  /**
   * Stores what the person wrote and replies. A command runs at once and its plan comes back in
   * the reply; with a model, the reply is returned as `streaming` and written in the background
   * (its text arrives over the socket). Posting again with the same `clientMessageId` returns the
   * same two messages, writing the reply first if an earlier attempt did not get to.
   */
  postMessage(ownerId: string, conversationId: string, body: PostMessageBody): Promise<ChatMessage[]>;
  /** Queues a run from steps or a prompt, in the given conversation or a new one. */
  createRun(ownerId: string, body: CreateRunBody): Promise<{ run: RunView; conversationId: string }>;
  /**
   * A task sent as a bot command (`/run`, `/plan`), planned like a prompt to `createRun`: as the
   * reply to `replyTo` (the command, typed into that conversation) or in a new conversation that
   * starts with the task. Queues a run of the plan or, with `propose`, leaves it proposed.
   */
  startTask(ownerId: string, input: { task: string; conversationId?: string; replyTo?: string; propose?: boolean }): Promise<StartedTask>;
  /** Stops a reply being written; what was written so far is kept. Returns the message as it is. */
  stopReply(ownerId: string, messageId: string): Promise<ChatMessage>;
  /** Posts the closing message of a run that ended (once: a second call changes nothing). */
  summarizeRun(finished: FinishedRun): Promise<void>;
  /** Posts the closing messages that were not written (the server stopped after the run ended). */
  summarizePending(): Promise<void>;
  /** Renames a conversation or switches "run plans without asking", and tells every tab. */
  updateConversation(ownerId: string, conversationId: string, body: UpdateConversationBody): Promise<Conversation>;
  /** Deletes a conversation with everything in it, stopping its runs. */
  deleteConversation(ownerId: string, conversationId: string): Promise<void>;
};

export type StartedTask = { conversationId: string; message: ChatMessage; plan: PlanView; run?: RunView };

/** The assistant, when a model is configured. */
export type Assistant = {
  agent: ChatAgent;
  /** The chat prompt, recorded on every reply it writes. */
  prompt: Prompt;
  /** Plans prompts sent to `POST /api/runs` that are not commands. */
  planner: ModelPlanner;
  meter: UsageMeter;
  historyTokens: number;
  /** Repairs the plans of failed runs (when REPAIR_MAX_ATTEMPTS allows). */
  repair: PlanRepair;
};

export type ChatServiceOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** Without one, text that is not a command gets help explaining how to configure a model. */
  assistant?: Assistant;
  replies: ReplyStreams;
  /** How long a streaming reply stays `streaming` unless its writer renews it. */
  streamLeaseMs: number;
  /** Attempts each run gets if its runner is lost, and runs a person may have waiting. */
  runLimits: { maxAttempts: number; maxQueued: number };
  /** Called after a run is queued, so a runner can pick it up at once. */
  onRunQueued(): void;
  /** Runners holding these runs must stop them (their conversation was deleted). */
  stopRuns(held: HeldRun[]): void;
  /** Where people reach this skipper: help replies point their examples at its demo site. */
  publicUrl(): string;
  /** Slash commands typed into the chat (`/run …`, `/status`); without it, they are read like any other text. */
  botCommands?: BotCommandExecutor;
  /** Turns a prompt sent to POST /api/runs into a plan (server/planner/plan-prompt.ts). */
  planPrompt: PromptPlanner;
};

/** Messages the assistant reads before answering (it then trims them to its token budget). */
const HISTORY_MESSAGES = 100;

export function createChatService(options: ChatServiceOptions): ChatService {
  const { store, hub, logger, assistant, replies, runLimits, onRunQueued } = options;

  function tooManyRuns(queued: number): SkipperError {
    return new SkipperError(
      'too-many-runs',
      `You already have ${queued} runs waiting, the most allowed at once. Wait for some to finish, or cancel some, then try again.`,
    );
  }

  /** Appends an assistant message and tells watchers. */
  async function append(ownerId: string, conversationId: string, input: NewAssistantMessage): Promise<AppendAssistantResult> {
    const result = await store.messages.appendAssistant(ownerId, conversationId, input);
    if (!result) throw SkipperError.notFound('conversation');
    if (result.status === 'appended') {
      hub.publish(result.change);
      if (result.runId) onRunQueued();
    }
    return result;
  }

  async function appendUser(ownerId: string, conversationId: string, body: PostMessageBody) {
    const appended = await store.messages.appendUser(ownerId, conversationId, body);
    if (!appended) throw SkipperError.notFound('conversation');
    if (!appended.duplicate) hub.publish(appended.change);
    return appended;
  }

  /** The conversation up to and including `throughMessageId`, oldest first. */
  async function historyThrough(ownerId: string, conversationId: string, throughMessageId: string): Promise<ChatMessage[]> {
    const page = await store.messages.page(ownerId, conversationId, { limit: HISTORY_MESSAGES });
    const messages = page?.messages ?? [];
    const end = messages.findIndex((message) => message.id === throughMessageId);
    return end === -1 ? messages : messages.slice(0, end + 1);
  }

  /** A command's plan, run at once, as the reply to `replyTo`. */
  async function runCommand(ownerId: string, conversationId: string, plan: NewPlan, replyTo: string) {
    const count = plan.steps.length;
    const reply = { replyTo, parts: textParts(`Here is the plan: ${count} ${count === 1 ? 'step' : 'steps'}. Running it now.`) };
    const result = await append(ownerId, conversationId, { ...reply, plan, run: runLimits });
    if (result.status !== 'too-many-runs') return result;
    // The plan is kept, waiting for Run, so it can be run once earlier runs are done.
    return append(ownerId, conversationId, { ...reply, parts: textParts(tooManyRuns(result.queued).message), plan: { ...plan, status: 'proposed' } });
  }

  /** Writes the assistant's reply into `messageId` (a streaming message) in the background. */
  function writeReply(ownerId: string, conversationId: string, messageId: string, closing?: FinishedRun) {
    const agent = assistant!.agent;
    replies.start({
      ownerId,
      conversationId,
      messageId,
      async write(signal, emit) {
        const conversation = await store.conversations.get(ownerId, conversationId);
        const history = await historyThrough(ownerId, conversationId, closing?.change.messageId ?? messageId);
        // What plans may use (attached files, saved sessions); a closing message plans nothing.
        const resources = closing ? undefined : await loadPlanningResources(store, ownerId, conversationId);
        const outcome = await agent.reply({
          ownerId,
          conversationId,
          messageId,
          autoRun: conversation?.autoRun ?? false,
          history: history.filter((message) => message.id !== messageId),
          ...(resources && { resources }),
          signal,
          emit,
          ...(closing && { closing: { run: closing.run, plan: closing.plan } }),
        });
        // A closing message the model could not write is written from the run alone.
        if (closing && outcome.status === 'failed') return { parts: textParts(summarizeRun(closing)), status: 'complete' };
        return outcome;
      },
    });
  }

  /** A streaming reply to `replyTo`, written by the assistant; an earlier one is returned or, if it failed, written again. */
  async function assistantReply(ownerId: string, conversationId: string, replyTo: string): Promise<ChatMessage> {
    const result = await append(ownerId, conversationId, {
      replyTo,
      parts: [],
      status: 'streaming',
      streamLeaseMs: options.streamLeaseMs,
      prompt: { name: assistant!.prompt.name, hash: assistant!.prompt.hash },
    });
    if (result.status === 'too-many-runs') throw new Error('a reply without a run cannot hit the run limit');
    if (result.status === 'exists' && result.message.metadata.status !== 'failed') return result.message;
    let accepted = result.message;
    if (result.status === 'exists') {
      // The first attempt failed (or was cut off): write it again into the same message.
      const change = await store.messages.update(ownerId, accepted.id, { parts: [], status: 'streaming' });
      await store.messages.renewStreams([accepted.id], options.streamLeaseMs);
      if (change) hub.publish(change);
      accepted = (await store.messages.get(ownerId, accepted.id))!;
    }
    // Returned as accepted: the reply may well be written before the response is read.
    writeReply(ownerId, conversationId, accepted.id);
    return accepted;
  }

  /** Why a command's plan cannot run: it uploads a file the conversation does not have. */
  async function refusedFiles(ownerId: string, conversationId: string, steps: Step[]): Promise<string | undefined> {
    try {
      await assertAttachedFiles(store, ownerId, conversationId, steps);
      return undefined;
    } catch (error) {
      if (SkipperError.isInstance(error) && error.code === 'invalid-request') return error.message;
      throw error;
    }
  }

  const service: ChatService = {
    async postMessage(ownerId, conversationId, body) {
      const user = await appendUser(ownerId, conversationId, body);
      if (user.duplicate) {
        const earlier = await store.messages.replyTo(ownerId, user.message.id);
        if (earlier && !(assistant && earlier.metadata.status === 'failed')) return [user.message, earlier];
      }
      // A known slash command goes to the bot commands; other text (even `/demo/login`) is read as before.
      const slash = options.botCommands && parseBotCommand(body.text);
      if (slash && (slash.ok || slash.name)) {
        const outcome = slash.ok
          ? await options.botCommands!.execute({ via: 'chat', ownerId, conversationId, replyTo: user.message.id }, slash.command)
          : { text: slash.problem };
        if (outcome.message) return [user.message, outcome.message];
        const result = await append(ownerId, conversationId, { replyTo: user.message.id, parts: textParts(outcome.text) });
        if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
        return [user.message, result.message];
      }
      const parsed = parseCommands(body.text);
      if (parsed.ok) {
        const plan = commandPlan(parsed);
        const refusal = await refusedFiles(ownerId, conversationId, plan.steps);
        const result = refusal
          ? await append(ownerId, conversationId, { replyTo: user.message.id, parts: textParts(refusal) })
          : await runCommand(ownerId, conversationId, plan, user.message.id);
        if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
        return [user.message, result.message];
      }
      if (!assistant) {
        const result = await append(ownerId, conversationId, {
          replyTo: user.message.id,
          parts: textParts(commandHelp({ problem: parsed.error.message, baseUrl: options.publicUrl() })),
        });
        if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
        return [user.message, result.message];
      }
      return [user.message, await assistantReply(ownerId, conversationId, user.message.id)];
    },

    async createRun(ownerId, body) {
      const started = await startRun(ownerId, body, {});
      return { run: started.run!, conversationId: started.conversationId };
    },

    startTask(ownerId, { task, conversationId, replyTo, propose }) {
      return startRun(ownerId, { prompt: task, ...(conversationId && { conversationId }) }, { ...(replyTo && { replyTo }), propose: propose ?? false });
    },

    async stopReply(ownerId, messageId) {
      const stopping = replies.stop(ownerId, messageId);
      const message = await store.messages.get(ownerId, messageId);
      if (!message) throw SkipperError.notFound('message');
      if (!stopping && message.metadata.status === 'streaming') {
        throw new SkipperError('conflict', 'This reply is no longer being written (skipper restarted); it will be marked as cut off shortly.');
      }
      return message;
    },

    async summarizeRun(finished) {
      if (assistant?.repair.canRepair(finished.run, finished.plan)) repairInBackground(finished, assistant);
      else await closeRun(finished);
    },

    async summarizePending() {
      for (const finished of await store.queue.unsummarized(100)) await service.summarizeRun(finished);
    },

    async updateConversation(ownerId, conversationId, body) {
      const conversation = await store.conversations.update(ownerId, conversationId, body);
      if (!conversation) throw SkipperError.notFound('conversation');
      hub.publishUpdated(ownerId, conversation);
      return conversation;
    },

    async deleteConversation(ownerId, conversationId) {
      const deleted = await store.conversations.delete(ownerId, conversationId);
      if (!deleted) throw SkipperError.notFound('conversation');
      options.stopRuns(deleted.held);
      hub.publishDeleted(ownerId, conversationId);
    },
  };

  /** Posts the closing message of a run (once: a second call changes nothing). */
  async function closeRun(finished: FinishedRun) {
    const { ownerId, conversationId } = finished.change;
    // Plans the assistant made get a closing message from it, answering what was asked.
    const byAssistant = assistant && finished.plan.source === 'model';
    const result = await store.messages.appendAssistant(ownerId, conversationId, {
      summaryOf: finished.run.id,
      ...(byAssistant
        ? { parts: [], status: 'streaming', streamLeaseMs: options.streamLeaseMs, prompt: { name: assistant.prompt.name, hash: assistant.prompt.hash } }
        : { parts: textParts(summarizeRun(finished)) }),
    });
    if (result?.status !== 'appended') return;
    hub.publish(result.change);
    if (byAssistant) writeReply(ownerId, conversationId, result.message.id, finished);
  }

  /** Runs being repaired by this server, so the sweep for closing messages does not repair one twice. */
  const repairing = new Set<string>();

  /**
   * Repairs a failed run's plan in the background (the model may take a while) and queues a run
   * of the repaired plan, in the run's closing message; without a repair, the run is closed as usual.
   */
  function repairInBackground(finished: FinishedRun, { repair, meter }: Assistant) {
    const { ownerId, conversationId } = finished.change;
    const runId = finished.run.id;
    if (repairing.has(runId)) return;
    repairing.add(runId);
    const attempt = async () => {
      await meter.assertWithinBudget({ ownerId });
      const result = await repair.propose({ ownerId, run: finished.run, plan: finished.plan });
      if (!result?.repair) {
        if (result) await meter.record({ ownerId, conversationId, runId, purpose: 'plan', ...result.call });
        return closeRun(finished);
      }
      const { explanation, steps, model, prompt } = result.repair;
      const appended = await append(ownerId, conversationId, {
        summaryOf: runId,
        parts: textParts(explanation),
        // The repaired plan runs in the same browser setup (saved session included).
        plan: { source: 'model', steps, ...(finished.plan.browser && { browser: finished.plan.browser }), model, prompt, repairOf: finished.plan.id },
        run: runLimits,
      });
      const planId = appended.status === 'appended' ? appended.message.parts.find((part) => part.type === 'data-plan')?.id : undefined;
      await meter.record({ ownerId, conversationId, ...(planId ? { planId } : { runId }), purpose: 'plan', ...result.call });
      if (appended.status === 'too-many-runs') await closeRun(finished);
    };
    void attempt()
      .catch(async (error: unknown) => {
        logger.warn({ err: error, runId }, 'the plan of a failed run could not be repaired');
        await closeRun(finished);
      })
      .catch((error: unknown) => logger.error({ err: error, runId }, 'closing a run failed'))
      .finally(() => repairing.delete(runId));
  }

  /** Plans a prompt (or takes steps) and stores the plan with a run of it, or only proposed; see `startTask`. */
  async function startRun(ownerId: string, body: CreateRunBody, how: { replyTo?: string; propose?: boolean }): Promise<StartedTask> {
    const { conversationId: existing } = body;
    if (existing && !(await store.conversations.get(ownerId, existing))) throw SkipperError.notFound('conversation');
    // Plan before writing anything, so a request that cannot run leaves no trace.
    const { plan, call } =
      'prompt' in body
        ? await options.planPrompt({ ownerId, conversationId: existing, prompt: body.prompt, nothingDone: 'nothing was run' })
        : { plan: { source: 'api' as const, steps: body.steps, ...(body.browser && { browser: body.browser }) } };
    // Upload steps may set only files attached to the conversation (a new one has none).
    try {
      await assertAttachedFiles(store, ownerId, existing, plan.steps);
    } catch (error) {
      if (call) await assistant!.meter.record({ ownerId, ...(existing && { conversationId: existing }), purpose: 'plan', ...call });
      throw error;
    }
    // A prompt names its conversation through the first message; bare steps need a title.
    const title = 'prompt' in body ? undefined : 'Run from the API';
    const conversationId = existing ?? (await store.conversations.create(ownerId, { ...(title && { title }) })).id;
    const user = 'prompt' in body && !how.replyTo ? await appendUser(ownerId, conversationId, { text: body.prompt }) : undefined;
    const replyTo = how.replyTo ?? user?.message.id;
    const steps = `${plan.steps.length} ${plan.steps.length === 1 ? 'step' : 'steps'}`;
    const result = await append(ownerId, conversationId, {
      parts: textParts(
        how.propose ? `Here is the plan: ${steps}. Run it, edit it or discard it.` : `Running ${steps}${'prompt' in body ? '' : ' sent through the API'}.`,
      ),
      plan: how.propose ? { ...plan, status: 'proposed' } : plan,
      ...(!how.propose && { run: runLimits }),
      ...(replyTo && { replyTo }),
    });
    if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
    if (result.status !== 'appended' || !(how.propose || result.runId)) throw new Error('the plan was not stored');
    const planPart = result.message.parts.find((part) => part.type === 'data-plan');
    const run = result.runId ? (await store.runs.get(ownerId, result.runId))!.run : undefined;
    if (call) await assistant!.meter.record({ ownerId, conversationId, ...(planPart && { planId: planPart.id }), purpose: 'plan', ...call });
    return { conversationId, message: result.message, plan: planPart!.data, ...(run && { run }) };
  }

  return service;
}
