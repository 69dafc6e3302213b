import type {
  ChatMessage,
  Conversation,
  ErrorInfo,
  PlanView,
  RunView,
  Step,
  StepOutput,
} from '../../protocol/index.ts';

// The persistence port. The domain talks only to this interface; each adapter
// (postgres/ today) implements it and passes store-contract.ts. Methods that take an
// `ownerId` only ever see that owner's rows. The `queue` methods are the system's
// own (the dispatcher acting for every owner) and are fenced by runner and attempt instead.

export type User = { id: string; login: string };

/** Something visible in a conversation changed; `seq` orders changes within it. */
export type Change = { ownerId: string; conversationId: string; seq: number; messageId: string };

export type NewPlan = {
  source: PlanView['source'];
  steps: Step[];
  /** The model that made the plan, for source `model`. */
  model?: string;
  prompt?: { name: string; hash: string };
};

export type NewAssistantMessage = {
  text: string;
  /** Attach this plan to the message. */
  plan?: NewPlan;
  /** Queue a run of the plan; it appears in the same message. */
  run?: { maxAttempts: number };
};

export type AppendedMessage = { message: ChatMessage; change: Change; runId?: string };

export interface UserRepository {
  /** Returns the user with this login, creating it on first use. */
  ensure(login: string): Promise<User>;
}

export interface ConversationRepository {
  /** Without a title, the first message the person writes becomes the title. */
  create(ownerId: string, input: { title?: string }): Promise<Conversation>;
  /** Newest activity first. */
  list(ownerId: string): Promise<Conversation[]>;
  get(ownerId: string, conversationId: string): Promise<Conversation | null>;
  /** The thread in order, each message with its plan and the current state of its run. */
  messages(ownerId: string, conversationId: string): Promise<{ messages: ChatMessage[]; seq: number } | null>;
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
  /** Appends a reply, creating its plan and queued run in the same transaction. */
  appendAssistant(ownerId: string, conversationId: string, input: NewAssistantMessage): Promise<AppendedMessage | null>;
  /** The message after a user message, if any (the reply to a retried post). */
  replyTo(ownerId: string, messageId: string): Promise<ChatMessage | null>;
  get(ownerId: string, messageId: string): Promise<ChatMessage | null>;
}

export interface RunRepository {
  get(ownerId: string, runId: string): Promise<{ run: RunView; plan: PlanView } | null>;
  /**
   * Cancels a queued or running run. Returns the run as it is now (unchanged if it had
   * already ended) and, if a runner was executing it, which one, so it can be told to stop.
   */
  cancel(
    ownerId: string,
    runId: string,
  ): Promise<{ run: RunView; change?: Change; runnerId?: string; attempt?: number } | null>;
}

export interface ArtifactRepository {
  get(ownerId: string, artifactId: string): Promise<{ mimeType: string; bytes: Uint8Array } | null>;
}

/** A run handed to a runner. */
export type Claim = { runId: string; attempt: number; steps: Step[]; change: Change };

/** Identifies one attempt of one run held by one runner; events from anyone else are ignored. */
export type Holder = { runnerId: string; runId: string; attempt: number };

/** A run that ended, with what a summary needs. */
export type FinishedRun = { run: RunView; plan: PlanView; change: Change };

export interface RunQueue {
  /** Claims the oldest queued run for a runner (`FOR UPDATE SKIP LOCKED`), starting a new attempt. */
  claimNext(input: { runnerId: string; leaseMs: number }): Promise<Claim | null>;
  /** Extends the lease of runs this runner still holds. */
  renewLeases(input: { runnerId: string; runs: { runId: string; attempt: number }[]; leaseMs: number }): Promise<void>;
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
  /** Stores the screenshot taken after a step and links it to that step. */
  screenshotTaken(holder: Holder & { index: number; mimeType: string; bytes: Uint8Array }): Promise<Change | null>;
  /** Ends a run; steps that never started become `skipped`. */
  finish(holder: Holder & { status: 'succeeded' | 'failed' | 'cancelled'; error?: ErrorInfo }): Promise<FinishedRun | null>;
  /**
   * Takes back every run held by this runner (it disconnected) or, without `runnerId`,
   * every run whose lease has expired: each is queued again if attempts remain, else failed.
   */
  reclaim(input: { runnerId?: string; error: ErrorInfo }): Promise<{ requeued: Change[]; failed: FinishedRun[] }>;
}

export interface Store {
  users: UserRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  runs: RunRepository;
  artifacts: ArtifactRepository;
  queue: RunQueue;
  /** Resolves when the database answers; for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
