import type { UIMessage } from 'ai';
import { expectTypeOf } from 'vitest';
import type { ChatMessage, PlanView, RunView } from './index.ts';

// ARCHITECTURE D7: chat messages are AI SDK UIMessages, so AI SDK UI code can consume them.
// Checked by `tsc` (npm test runs it first).
type SkipperUIMessage = UIMessage<ChatMessage['metadata'], { plan: PlanView; run: RunView }>;

expectTypeOf<ChatMessage>().toExtend<SkipperUIMessage>();
