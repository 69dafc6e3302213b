// Fixtures for chat-ui's unit tests.
import type { PlanView } from '../../protocol/index.ts';

/** A one-step plan waiting for the person to run, edit or discard it. */
export function proposedPlan(): PlanView {
  return {
    id: crypto.randomUUID(),
    source: 'model',
    status: 'proposed',
    version: 1,
    steps: [{ type: 'goto', url: 'https://example.com/' }],
    createdAt: '2025-01-01T10:00:00.000Z',
  };
}
