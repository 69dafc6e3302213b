import { FINAL_RUN_STATUSES } from '../../protocol/index.ts';
import type { ChatMessage, Conversation, PlanView, RunView } from '../../protocol/index.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/** The open conversation as this tab knows it. */
export type ConversationState = {
  conversationId: string | null;
  /** Oldest first. */
  messages: readonly ChatMessage[];
  /**
   * Highest seq applied per message. Messages known only from an HTTP response have none:
   * any socket version of them wins, and a snapshot that lacks them does not drop them.
   */
  seqByMessageId: ReadonlyMap<string, number>;
  /** Whether the conversation has messages older than the oldest one here, to be read page by page. */
  hasOlder: boolean;
  status: LoadStatus;
  title: string | null;
  /** Whether the conversation runs the plans the assistant proposes without waiting for Run; null until loaded. */
  autoRun: boolean | null;
  /** What went wrong loading the conversation or its live updates, in words for people. */
  problem: string | null;
};

export type ConversationAction =
  | { type: 'reset'; conversationId: string | null }
  /** The newest messages, from the socket. */
  | { type: 'snapshot'; conversationId: string; seq: number; messages: readonly ChatMessage[]; hasOlder: boolean }
  | { type: 'upsert'; conversationId: string; seq: number; message: ChatMessage }
  /**
   * Messages from an HTTP response, which carries no seq. `hasOlder` comes with the newest
   * messages of a conversation (GET /api/conversations/:id), not with a reply to a post.
   */
  | { type: 'merge'; conversationId: string; messages: readonly ChatMessage[]; hasOlder?: boolean }
  /** The conversation itself, from GET or PATCH /api/conversations/:id. */
  | { type: 'conversation'; conversation: Conversation }
  /** A page of the messages just before message `before`, which was the oldest shown when it was asked for. */
  | { type: 'older'; conversationId: string; before: string; messages: readonly ChatMessage[]; hasOlder: boolean }
  | { type: 'run-update'; run: RunView }
  /** A plan from an HTTP response (edited or discarded); plans of other conversations are in none of its messages. */
  | { type: 'plan-update'; plan: PlanView }
  | { type: 'failed'; conversationId: string; notFound: boolean; problem: string };

export function initialConversationState(conversationId: string | null): ConversationState {
  return {
    conversationId,
    messages: [],
    seqByMessageId: new Map(),
    hasOlder: false,
    status: conversationId === null ? 'idle' : 'loading',
    title: null,
    autoRun: null,
    problem: null,
  };
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  if (action.type === 'reset') return initialConversationState(action.conversationId);
  if (action.type === 'plan-update') {
    const messages = applyPlan(state.messages, action.plan);
    return messages === state.messages ? state : { ...state, messages };
  }
  // Frames and responses for a conversation that is no longer open arrive late; drop them.
  const conversationId = conversationOf(action);
  if (conversationId !== state.conversationId) return state;

  switch (action.type) {
    case 'snapshot':
      return { ...applySnapshot(state, action.seq, action.messages, action.hasOlder), status: 'ready', problem: null };
    case 'upsert': {
      const known = state.seqByMessageId.get(action.message.id);
      if (known !== undefined && action.seq <= known) return state;
      const seqByMessageId = new Map(state.seqByMessageId).set(action.message.id, action.seq);
      return { ...state, messages: placeMessage(state.messages, action.message), seqByMessageId };
    }
    case 'merge': {
      // The newest page says whether there is more before it, unless older pages are shown already.
      const hasOlder = action.hasOlder === undefined || startsBefore(state.messages, action.messages) ? state.hasOlder : action.hasOlder;
      const status = state.status === 'not-found' ? state.status : 'ready';
      return { ...state, messages: mergeFromHttp(state, action.messages), hasOlder, status };
    }
    case 'conversation':
      return { ...state, title: action.conversation.title, autoRun: action.conversation.autoRun };
    case 'older':
      // Added only where it continues the thread: a snapshot since may have left a gap before it.
      if (state.messages[0]?.id !== action.before) return state;
      return { ...state, messages: mergeFromHttp(state, action.messages), hasOlder: action.hasOlder };
    case 'run-update': {
      const messages = applyRun(state.messages, action.run);
      return messages === state.messages ? state : { ...state, messages };
    }
    case 'failed':
      if (action.notFound) return { ...state, status: 'not-found', problem: action.problem };
      // Once something is shown, a later failure is a notice, not a reason to hide the thread.
      return { ...state, status: state.status === 'ready' ? 'ready' : 'error', problem: action.problem };
  }
}

function conversationOf(action: Exclude<ConversationAction, { type: 'reset' | 'plan-update' }>): string {
  if (action.type === 'run-update') return action.run.conversationId;
  if (action.type === 'conversation') return action.conversation.id;
  return action.conversationId;
}

/**
 * A snapshot holds the newest messages. It replaces what it covers, except messages changed
 * since (a newer seq) or known only from HTTP. Older pages the reader loaded stay when the
 * snapshot reaches back to what is shown; with a gap between them (many messages came while
 * the socket was down), they go, and the reader can load them again.
 */
function applySnapshot(state: ConversationState, seq: number, snapshot: readonly ChatMessage[], hasOlder: boolean): ConversationState {
  const inSnapshot = new Set(snapshot.map((message) => message.id));
  const oldestInSnapshot = snapshot[0];
  const joinsShown = state.messages.some((message) => inSnapshot.has(message.id));
  const seqByMessageId = new Map<string, number>(snapshot.map((message) => [message.id, seq]));
  let messages: readonly ChatMessage[] = snapshot;
  let keptOlder = false;
  for (const message of state.messages) {
    const known = state.seqByMessageId.get(message.id);
    const inPage = inSnapshot.has(message.id);
    const beforeSnapshot = hasOlder && oldestInSnapshot !== undefined && !inPage && comesBefore(message, oldestInSnapshot);
    const newerThanSnapshot = known !== undefined && known > seq;
    const onlyFromHttp = known === undefined && !inPage;
    if (beforeSnapshot ? !joinsShown : !newerThanSnapshot && !onlyFromHttp) continue;
    keptOlder ||= beforeSnapshot;
    if (known !== undefined) seqByMessageId.set(message.id, known);
    messages = placeMessage(messages, message);
  }
  return { ...state, messages, seqByMessageId, hasOlder: keptOlder ? state.hasOlder : hasOlder };
}

/** Adds messages from an HTTP response; a socket version is at least as new as the response, which may have been built before it. */
function mergeFromHttp(state: ConversationState, incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  let messages = state.messages;
  for (const message of incoming) if (!state.seqByMessageId.has(message.id)) messages = placeMessage(messages, message);
  return messages;
}

/** Whether `shown` reaches back further than `page` does. */
function startsBefore(shown: readonly ChatMessage[], page: readonly ChatMessage[]): boolean {
  const [oldestShown] = shown;
  const [oldestInPage] = page;
  return oldestShown !== undefined && (oldestInPage === undefined || comesBefore(oldestShown, oldestInPage));
}

/** Replaces the message with the same id in place, or inserts it in time order. */
function placeMessage(messages: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  const existing = messages.findIndex((candidate) => candidate.id === message.id);
  if (existing !== -1) {
    const next = messages.slice();
    next[existing] = message;
    return next;
  }
  const position = messages.findIndex((candidate) => comesBefore(message, candidate));
  if (position === -1) return [...messages, message];
  return [...messages.slice(0, position), message, ...messages.slice(position)];
}

function comesBefore(a: ChatMessage, b: ChatMessage): boolean {
  const timeA = Date.parse(a.metadata.createdAt);
  const timeB = Date.parse(b.metadata.createdAt);
  // A prompt and its reply can share a millisecond; the prompt comes first.
  return timeA < timeB || (timeA === timeB && a.role === 'user' && b.role === 'assistant');
}

/** Puts a run we were sent over HTTP into the message that shows it, unless that would undo a final status. */
function applyRun(messages: readonly ChatMessage[], run: RunView): readonly ChatMessage[] {
  let changed = false;
  const next = messages.map((message) => {
    let messageChanged = false;
    const parts = message.parts.map((part) => {
      if (part.type !== 'data-run' || part.data.id !== run.id) return part;
      if (FINAL_RUN_STATUSES.includes(part.data.status) && !FINAL_RUN_STATUSES.includes(run.status)) return part;
      messageChanged = true;
      return { ...part, data: run };
    });
    if (!messageChanged) return message;
    changed = true;
    return { ...message, parts };
  });
  return changed ? next : messages;
}

/**
 * Puts a plan we were sent over HTTP into the message that shows it: in place of the version it
 * replaces, or of itself while that is still proposed (a plan is never proposed again once run,
 * discarded or replaced, so an older answer cannot undo a newer one).
 */
function applyPlan(messages: readonly ChatMessage[], plan: PlanView): readonly ChatMessage[] {
  let changed = false;
  const next = messages.map((message) => {
    const index = message.parts.findIndex(
      (part) =>
        part.type === 'data-plan' && (part.data.id === plan.id ? part.data.status === 'proposed' && plan.status !== 'proposed' : part.data.id === plan.previousVersionId),
    );
    if (index === -1) return message;
    changed = true;
    const parts = message.parts.slice();
    parts[index] = { type: 'data-plan', id: plan.id, data: plan };
    return { ...message, parts };
  });
  return changed ? next : messages;
}
