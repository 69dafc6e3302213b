import type { AgendaBackend } from 'agenda';
import type {
  AttachmentView,
  BrowserOptions,
  ChatMessage,
  ChatMessagePart,
  Conversation,
  ErrorInfo,
  MessageStatus,
  StepResolution,
  PlanView,
  RunView,
  ScheduleRun,
  ScheduleSpec,
  ScheduleStatus,
  ScheduleView,
  SessionView,
  Step,
  StepOutput,
} from '../../protocol/index.ts';

// The persistence port. The domain talks only to this interface; each adapter
// (postgres/ today) implements it and passes store-contract.ts. Methods that take an
// `ownerId` only ever see that owner's rows. The `queue` methods are the system's
// own (the dispatcher acting for every owner) and are fenced by runner and attempt instead.
// Adapters hold storage only: where a rule decides something (what happens to a lost
// attempt), the domain passes it in as a function and the adapter applies it atomically.

export type User = { id: string; login: string };

/** Something visible in a conversation changed; `seq` orders changes within it. */
export type Change = { ownerId: string; conversationId: string; seq: number; messageId: string };

export type NewPlan = {
  source: PlanView['source'];
  steps: Step[];
  /** How the run's browser is set up; absent (or empty) for the runner's defaults. */
  browser?: BrowserOptions;
  /** The model that made the plan, for source `model`. */
  model?: string;
  prompt?: { name: string; hash: string };
  /** Default `approved`; a plan the assistant proposes waits as `proposed`. */
  status?: 'proposed' | 'approved';
  /**
   * The plan this one repairs, after a run of it failed: the new plan is its next version, one
   * more repair along, and keeps what its unchanged AI steps compiled to.
   */
  repairOf?: string;
};

/** What a message says, as stored: text, reasoning, tool calls. Its plan and run are attached by reference. */
export type StoredPart = Extract<ChatMessagePart, { type: 'text' | 'reasoning' } | { toolCallId: string }>;

export type PromptRef = { name: string; hash: string };

export type NewAssistantMessage = {
  parts: StoredPart[];
  /** Default `complete`; a reply about to stream starts as `streaming`, for `streamLeaseMs` unless renewed. */
  status?: MessageStatus;
  streamLeaseMs?: number;
  /** The prompt file a model reply is written with. */
  prompt?: PromptRef;
  /** Attach a new plan to the message, or an existing plan of this conversation by id (to run it again). */
  plan?: NewPlan | { id: string };
  /**
   * Queue a run of the plan; it appears in the same message. Refused (`too-many-runs`) when
   * the owner already has `maxQueued` runs waiting.
   */
  run?: { maxAttempts: number; maxQueued: number };
  /** The user message this answers; a message has at most one reply. */
  replyTo?: string;
  /** The run this message closes; a run has at most one closing message. */
  summaryOf?: string;
};

export type AppendedMessage = { message: ChatMessage; change: Change; runId?: string };

/**
 * What appending a reply did: `exists` when the message it answers (or the run it closes)
 * already has one, which is returned instead; `too-many-runs` when the run cap was reached.
 */
export type AppendAssistantResult =
  | ({ status: 'appended' } & AppendedMessage)
  | { status: 'exists'; message: ChatMessage }
  | { status: 'too-many-runs'; queued: number };

/** A page of a list, newest-first lists continue at `nextCursor`. */
export type ConversationPage = { conversations: Conversation[]; nextCursor: string | null };
export type MessagePage = { messages: ChatMessage[]; hasOlder: boolean };

/** A run of some owner that a runner holds, as far as the dispatcher needs to stop it. */
export type HeldRun = { runId: string; attempt: number; runnerId: string };

export interface UserRepository {
  /** Returns the user with this login, creating it on first use. */
  ensure(login: string): Promise<User>;
}

export interface ConversationRepository {
  /** Without a title, the first message the person writes becomes the title. */
  create(ownerId: string, input: { title?: string; autoRun?: boolean }): Promise<Conversation>;
  /** Renames it or switches auto-run; null if the owner has no such conversation. */
  update(ownerId: string, conversationId: string, input: { title?: string; autoRun?: boolean }): Promise<Conversation | null>;
  /** Newest activity first, `limit` at a time; pass `nextCursor` back as `cursor` for the next page. */
  list(ownerId: string, page: { limit: number; cursor?: string }): Promise<ConversationPage>;
  get(ownerId: string, conversationId: string): Promise<Conversation | null>;
  /**
   * The newest `limit` messages in order, each with its plan and the current state of its run,
   * and the conversation's seq at that moment (one consistent snapshot).
   */
  snapshot(ownerId: string, conversationId: string, page: { limit: number }): Promise<(MessagePage & { seq: number }) | null>;
  /**
   * Deletes the conversation with its messages, plans, runs and artifacts. Returns the runs a
   * runner was executing, so they can be stopped; null if the owner has no such conversation.
   */
  delete(ownerId: string, conversationId: string): Promise<{ held: HeldRun[] } | null>;
}

export interface MessageRepository {
  /**
   * Appends what the person wrote. With a `clientMessageId` already used in this
   * conversation, appends nothing and returns the earlier message with `duplicate: true`.
   * An untitled conversation takes its title from this message.
   */
  appendUser(
    ownerId: string,
    conversationId: string,
    input: { text: string; clientMessageId?: string },
  ): Promise<(AppendedMessage & { duplicate: boolean }) | null>;
  /** Appends a reply, creating its plan and queued run in the same transaction. Null if there is no such conversation. */
  appendAssistant(ownerId: string, conversationId: string, input: NewAssistantMessage): Promise<AppendAssistantResult | null>;
  /** The reply to a user message, if it has one. */
  replyTo(ownerId: string, messageId: string): Promise<ChatMessage | null>;
  get(ownerId: string, messageId: string): Promise<ChatMessage | null>;
  /** The `limit` messages just before message `before` (default: the newest), oldest first. Null if there is no such conversation. */
  page(ownerId: string, conversationId: string, page: { before?: string; limit: number }): Promise<MessagePage | null>;
  /**
   * Rewrites what an assistant message says and its status: a reply that finished streaming,
   * was stopped or failed. Null if the owner has no such message.
   */
  update(
    ownerId: string,
    messageId: string,
    input: { parts: StoredPart[]; status: MessageStatus; error?: ErrorInfo },
  ): Promise<Change | null>;
  /** The server is still writing these replies: they stay `streaming` for `leaseMs` more. */
  renewStreams(messageIds: string[], leaseMs: number): Promise<void>;
  /** Marks as failed every reply still `streaming` whose lease ran out (the server writing it stopped). */
  failAbandonedStreams(error: ErrorInfo): Promise<Change[]>;
}

export interface RunRepository {
  get(ownerId: string, runId: string): Promise<{ run: RunView; plan: PlanView } | null>;
  /** The newest runs of a conversation, newest first. */
  list(ownerId: string, conversationId: string, limit: number): Promise<{ run: RunView; plan: PlanView }[]>;
  /**
   * Cancels a queued or running run. Returns the run as it is now (unchanged if it had
   * already ended) and, if a runner was executing it, which one, so it can be told to stop.
   */
  cancel(
    ownerId: string,
    runId: string,
  ): Promise<{ run: RunView; plan: PlanView; change?: Change; runnerId?: string; attempt?: number } | null>;
  /** The owner's newest run, of any conversation. */
  latest(ownerId: string): Promise<{ run: RunView; plan: PlanView } | null>;
  /**
   * Ids of the owner's runs that start with `prefix` (hex digits, dashes where a UUID has them),
   * at most `limit`: bot commands take short ids.
   */
  idsStartingWith(ownerId: string, prefix: string, limit: number): Promise<string[]>;
}

/** What asking to change a plan did: it changed, it is not in a state that allows it, or too many runs wait. */
export type PlanChange =
  | { status: 'changed'; plan: PlanView; change: Change }
  | { status: 'refused'; plan: PlanView }
  | { status: 'too-many-runs'; queued: number };

export interface PlanRepository {
  get(ownerId: string, planId: string): Promise<(PlanView & { conversationId: string; messageId?: string }) | null>;
  /** Attaches a new plan to an assistant message that has none (the assistant proposed it while writing). */
  attach(ownerId: string, messageId: string, plan: NewPlan): Promise<{ plan: PlanView; change: Change } | null>;
  /**
   * Replaces a proposed plan's steps with a new version of it, shown in the same message. The new
   * version keeps the plan's browser options unless `browser` is given (null or empty: none).
   */
  edit(ownerId: string, planId: string, steps: Step[], browser?: BrowserOptions | null): Promise<PlanChange | null>;
  /** A proposed plan is set aside. */
  discard(ownerId: string, planId: string): Promise<PlanChange | null>;
  /** A proposed plan is approved and a run of it queued, shown in the plan's message. */
  approve(ownerId: string, planId: string, run: { maxAttempts: number; maxQueued: number }): Promise<(PlanChange & { runId?: string }) | null>;
}

export type ModelCallPurpose = 'chat' | 'plan' | 'summary' | 'browser-step';

/** One call to a language model, for usage, cost and budgets. */
export type ModelCall = {
  ownerId: string;
  conversationId?: string;
  messageId?: string;
  planId?: string;
  runId?: string;
  /** With `runId`: the attempt and step the call was for. */
  attempt?: number;
  stepIndex?: number;
  purpose: ModelCallPurpose;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
  durationMs: number;
};

export interface UsageRepository {
  record(call: ModelCall): Promise<void>;
  /** Tokens (input and output) an owner's model calls used since `since`. */
  tokensSince(ownerId: string, since: Date): Promise<number>;
  /** Tokens a run's model calls used. */
  tokensOfRun(ownerId: string, runId: string): Promise<number>;
}

/** A stored artifact: a step's screenshot, or a file the page downloaded (with the name the site gave it). */
export type Artifact = { kind: 'screenshot' | 'download'; mimeType: string; fileName?: string; bytes: Uint8Array };

export interface ArtifactRepository {
  get(ownerId: string, artifactId: string): Promise<Artifact | null>;
}

/** A file to attach, as received. */
export type NewAttachment = { name: string; mimeType: string; bytes: Uint8Array };

export interface AttachmentRepository {
  /** Attaches a file to a conversation; null if the owner has no such conversation. */
  create(ownerId: string, conversationId: string, file: NewAttachment): Promise<AttachmentView | null>;
  /** The conversation's attachments, oldest first; null if the owner has no such conversation. */
  list(ownerId: string, conversationId: string): Promise<AttachmentView[] | null>;
  /** An attachment with its content and the conversation it belongs to. */
  get(ownerId: string, attachmentId: string): Promise<{ attachment: AttachmentView; conversationId: string; content: Uint8Array } | null>;
  /** False if the owner has no such attachment. */
  delete(ownerId: string, attachmentId: string): Promise<boolean>;
}

/** A browser state as stored: encrypted by the domain, with the sites it covers in clear. */
export type SealedSession = { state: Uint8Array; sites: string[] };

/**
 * Saved browser sessions, by name per owner; names match whatever their case. A session past its
 * expiry is never returned. Sessions are saved through the run queue (`sessionSaved`), by the run
 * that made them.
 */
export interface BrowserSessionRepository {
  /** The owner's sessions, most recently saved first. */
  list(ownerId: string): Promise<SessionView[]>;
  /** One session with its sealed state, as stored under `session.name`. */
  get(ownerId: string, name: string): Promise<{ session: SessionView; state: Uint8Array } | null>;
  /** False if the owner has no such session (or it had expired). */
  delete(ownerId: string, name: string): Promise<boolean>;
  /** Deletes every expired session, of every owner; returns how many. */
  deleteExpired(): Promise<number>;
}

/** What an AI step of a plan compiled to, by step index. */
export type CompiledStep = { index: number; resolution: StepResolution };

/** A run handed to a runner, with what earlier runs of its plan compiled its AI steps to, and its plan's browser options. */
export type Claim = { runId: string; attempt: number; steps: Step[]; compiled: CompiledStep[]; browser?: BrowserOptions; change: Change };

/**
 * Identifies one attempt of one run held by one runner, and the event's number within the
 * attempt: events from anyone else, and events already applied, are ignored.
 */
export type Holder = { runnerId: string; runId: string; attempt: number; seq: number };

/** A run that ended, with what a summary needs. */
export type FinishedRun = { run: RunView; plan: PlanView; change: Change };

/**
 * Why an attempt is being taken back: its runner disconnected and did not come back in time,
 * stopped sending heartbeats while connected, or the attempt ran past its deadline.
 */
export type LostReason = 'disconnected' | 'unresponsive' | 'deadline';

/** What becomes of a lost attempt, decided by the domain (see runs/lost-attempt-policy.ts). */
export type LostAttemptOutcome =
  | { status: 'queued'; error: ErrorInfo }
  | { status: 'succeeded' }
  | { status: 'failed'; error: ErrorInfo };

export type LostAttempt = { run: RunView; plan: PlanView; reason: LostReason };

export interface RunQueue {
  /** Claims the oldest queued run for a runner (`FOR UPDATE SKIP LOCKED`), starting a new attempt with a deadline. */
  claimNext(input: { runnerId: string; leaseMs: number; maxDurationMs: number }): Promise<Claim | null>;
  /** Extends the lease of runs this runner still holds. */
  renewLeases(input: { runnerId: string; runs: { runId: string; attempt: number }[]; leaseMs: number }): Promise<void>;
  /**
   * A runner reconnected and says it still holds these runs: renews the lease of each it really
   * holds and returns those, with the last event applied and the number of steps.
   */
  resume(input: {
    runnerId: string;
    runs: { runId: string; attempt: number }[];
    leaseMs: number;
  }): Promise<{ runId: string; attempt: number; seq: number; stepCount: number }[]>;
  /** The runner disconnected: its runs wait at most `graceMs` for it to come back before they are taken back. */
  release(input: { runnerId: string; graceMs: number }): Promise<void>;
  stepStarted(holder: Holder & { index: number; leaseMs: number }): Promise<Change | null>;
  stepEnded(
    holder: Holder & {
      index: number;
      status: 'succeeded' | 'failed';
      durationMs: number;
      error?: ErrorInfo;
      output?: StepOutput;
      leaseMs: number;
    },
  ): Promise<Change | null>;
  /** Stores the screenshot taken after a step and links it to that step (replacing an earlier one for the same step). */
  screenshotTaken(holder: Holder & { index: number; mimeType: string; bytes: Uint8Array }): Promise<Change | null>;
  /** Stores a file the page downloaded during a step; a step may have any number. */
  downloadTaken(holder: Holder & { index: number; fileName: string; mimeType: string; bytes: Uint8Array }): Promise<Change | null>;
  /**
   * Saves the browser state a run reports at its end as the session its plan saves
   * (`browser.session.saveAs`), replacing the owner's session of that name, for `ttlDays`.
   * `seal` (the domain's) encrypts it for that owner and name. Returns the name it was saved
   * under, or `saved: null` when the plan saves no session; null when the event is not applied.
   */
  sessionSaved(
    holder: Holder & { ttlDays: number; seal(target: { ownerId: string; name: string }): SealedSession },
  ): Promise<{ saved: string | null } | null>;
  /**
   * Ends an attempt just claimed that cannot start (the saved session its plan uses is missing):
   * the run fails with `error` without a step run. Null if the runner no longer holds it, or has reported on it.
   */
  refuseClaim(input: { runnerId: string; runId: string; attempt: number; error: ErrorInfo }): Promise<FinishedRun | null>;
  /** Ends a run; steps that never started become `skipped`. */
  finish(holder: Holder & { status: 'succeeded' | 'failed' | 'cancelled'; error?: ErrorInfo }): Promise<FinishedRun | null>;
  /**
   * Takes back every running attempt whose lease expired or whose deadline passed, each in its
   * own transaction with the run locked, applying what `decide` returns for it.
   */
  reclaim(input: { decide(lost: LostAttempt): LostAttemptOutcome }): Promise<{
    /** Attempts taken back whose run waits for another runner. */
    requeued: { runId: string; change: Change }[];
    ended: (FinishedRun & { holder: HeldRun })[];
  }>;
  /** The run a runner holds, for metering its model calls; null if it does not hold it (any more). */
  heldRun(holder: Omit<Holder, 'seq'>): Promise<{ ownerId: string; conversationId: string; planId: string } | null>;
  /** Runs that ended but have no closing message yet, oldest first (after a crash, or while the summary is being written). */
  unsummarized(limit: number): Promise<FinishedRun[]>;
}

/**
 * Slack (server/slack/): Slack users linked to skipper users through one-time codes, signed
 * requests already seen, and run results owed to a Slack `response_url`.
 */
export interface SlackLinkRepository {
  /** Keeps a link code (only its hash) for the owner until `expiresAt`; the owner's expired codes are deleted. */
  createCode(ownerId: string, input: { codeHash: Uint8Array; expiresAt: Date }): Promise<void>;
  /**
   * Uses a code that exists, is unused and has not expired, and links the Slack user to its
   * owner (replacing an earlier link of that user), in one transaction. Null otherwise.
   */
  redeemCode(input: { codeHash: Uint8Array; teamId: string; userId: string }): Promise<{ ownerId: string } | null>;
  /** The skipper user this Slack user is linked to, if any. */
  linkedOwner(teamId: string, userId: string): Promise<string | null>;
  /**
   * Records a signed request by its signature, kept until `expiresAt`; false if it was recorded
   * before (the request is a replay). Forgets signatures past their time.
   */
  firstSighting(signature: string, expiresAt: Date): Promise<boolean>;
  /** A run's result is owed to `responseUrl` until `expiresAt`. */
  addPendingReply(input: { runId: string; ownerId: string; responseUrl: string; expiresAt: Date }): Promise<void>;
  /** Claims the reply owed for this run (once, whichever instance asks first); null if none is owed, or it expired. */
  takePendingReply(runId: string): Promise<{ ownerId: string; responseUrl: string } | null>;
  /** Runs whose result is still owed, oldest first; forgets replies past their time. */
  pendingReplies(limit: number): Promise<{ runId: string; ownerId: string }[]>;
}

/** The name of every schedule's Agenda job; its data is `{ scheduleId, ownerId }`. */
export const SCHEDULE_JOB_NAME = 'run schedule';

/** A schedule's webhook as stored: its secret sealed by the domain, never in clear. */
export type StoredWebhook = { url: string; sealedSecret: Uint8Array };

/** A schedule to save: the plan each fire runs, the conversation its runs go to, and when. */
export type NewSchedule = {
  name: string;
  when: string;
  spec: ScheduleSpec;
  planId: string;
  conversationId: string;
  prompt?: string;
  webhook?: StoredWebhook;
};

/** What an edit changes; `webhook: null` removes it, `done` or `paused` stop it. */
export type ScheduleChanges = {
  name?: string;
  when?: string;
  spec?: ScheduleSpec;
  status?: ScheduleStatus;
  webhook?: StoredWebhook | null;
};

/** A run of a schedule that ended, its webhook claimed for delivery by this instance. */
export type ScheduleWebhookDelivery = {
  scheduleId: string;
  scheduleName: string;
  conversationId: string;
  webhook: StoredWebhook;
  run: ScheduleRun;
  /** What the run read, for the payload. */
  outputs: StepOutput[];
};

/**
 * Saved tasks on schedules and the history of their fires. Views are read joined with the runs
 * they started (status, end, last screenshot) and with the schedule's Agenda job (next run).
 */
export interface ScheduleRepository {
  /**
   * Saves a schedule unless the owner already has `maxPerOwner` (counted under a lock on the
   * owner, so two requests cannot both pass the cap). The plan must be the owner's and in the
   * conversation: null otherwise.
   */
  create(
    ownerId: string,
    schedule: NewSchedule,
    limit: { maxPerOwner: number },
  ): Promise<{ status: 'created'; schedule: ScheduleView } | { status: 'too-many'; count: number } | null>;
  count(ownerId: string): Promise<number>;
  /** Newest first. */
  list(ownerId: string): Promise<ScheduleView[]>;
  get(ownerId: string, scheduleId: string): Promise<ScheduleView | null>;
  /** The sealed webhook of a schedule, to keep its secret when only its URL changes. */
  webhook(ownerId: string, scheduleId: string): Promise<StoredWebhook | null>;
  /** The owner's schedule ids that start with `prefix` (lower case hex), at most `limit`. */
  idsStartingWith(ownerId: string, prefix: string, limit: number): Promise<string[]>;
  update(ownerId: string, scheduleId: string, changes: ScheduleChanges): Promise<ScheduleView | null>;
  /** Deletes it with its history (its runs stay in the conversation); false if the owner has no such schedule. */
  delete(ownerId: string, scheduleId: string): Promise<boolean>;
  /** Its newest `limit` fires that started a run, newest first; null if the owner has no such schedule. */
  history(ownerId: string, scheduleId: string, limit: number): Promise<ScheduleRun[] | null>;
  /**
   * Claims a fire before its run is created: `duplicate` when this due time was claimed already
   * (it fired elsewhere; `manual` fires are never duplicates), `gone` when the schedule is not the owner's (any more).
   */
  claimFire(
    ownerId: string,
    scheduleId: string,
    fire: { trigger: ScheduleRun['trigger']; dueAt: Date },
  ): Promise<{ status: 'claimed'; fireId: string } | { status: 'duplicate' } | { status: 'gone' }>;
  /** Links a claimed fire to the run it created. */
  fired(ownerId: string, fireId: string, runId: string): Promise<void>;
  /** Forgets a claimed fire that created no run. */
  abandonFire(ownerId: string, fireId: string): Promise<void>;
  /**
   * Claims the webhook delivery of a schedule's run that ended, once across every instance;
   * null when the run is no schedule's, its schedule has no webhook, or it was claimed already.
   */
  claimWebhook(ownerId: string, runId: string): Promise<ScheduleWebhookDelivery | null>;
  webhookSent(ownerId: string, runId: string, outcome: 'delivered' | 'failed'): Promise<void>;
  /** Ended runs of schedules with a webhook, started since `since`, that no instance claimed (their event was missed). */
  unsentWebhooks(since: Date, limit: number): Promise<{ ownerId: string; runId: string }[]>;
  /**
   * The Agenda backend on this store's database (ARCHITECTURE D4), sharing its connections. Jobs
   * named {@link SCHEDULE_JOB_NAME} refer to schedules by `data.scheduleId`.
   */
  jobBackend(): AgendaBackend;
}

export interface Store {
  users: UserRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  runs: RunRepository;
  plans: PlanRepository;
  usage: UsageRepository;
  artifacts: ArtifactRepository;
  attachments: AttachmentRepository;
  sessions: BrowserSessionRepository;
  slackLinks: SlackLinkRepository;
  queue: RunQueue;
  schedules: ScheduleRepository;
  /** Resolves when the database answers; for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The parts of a message that says only `text`. */
export function textParts(text: string): StoredPart[] {
  return [{ type: 'text', text }];
}
