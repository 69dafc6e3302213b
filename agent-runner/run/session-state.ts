import type { BrowserContext } from 'playwright-core';
import { MAX_STORAGE_STATE_LENGTH, StorageStateSchema, type StorageState } from '../../protocol/index.ts';
import { untilAborted } from '../ai/until-aborted.ts';
import { errorHeadline } from '../steps/playwright-error.ts';

/**
 * The context's cookies and local storage, to save as the plan's session, or why they cannot be
 * saved. The state holds credentials: only the reason ever reaches a log or a message.
 */
export async function sessionStateOf(context: BrowserContext, timeoutMs: number): Promise<{ state: StorageState } | { problem: string }> {
  let state: unknown;
  try {
    state = await untilAborted(context.storageState(), AbortSignal.timeout(timeoutMs));
  } catch (error) {
    return { problem: `the browser did not give its state (${errorHeadline(error)})` };
  }
  const parsed = StorageStateSchema.safeParse(state);
  if (parsed.success) return { state: parsed.data };
  const tooLarge = JSON.stringify(state).length > MAX_STORAGE_STATE_LENGTH;
  // Zod's issue paths name fields, never values.
  return { problem: tooLarge ? `it is larger than ${MAX_STORAGE_STATE_LENGTH.toLocaleString('en')} characters` : `it is not a state the server can keep (${parsed.error.issues[0]?.path.join('.')})` };
}
