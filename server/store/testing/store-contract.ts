import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../store.ts';
import { assistantContract } from './assistant-contract.ts';
import { conversationContract } from './conversation-contract.ts';
import { filesContract } from './files-contract.ts';
import { runQueueContract } from './run-queue-contract.ts';

export type StoreContractOptions = {
  name: string;
  /** Opens a store on an empty, migrated database. */
  open(): Promise<Store>;
};

/** The behaviour every Store adapter must show, run against a real database. */
export function storeContract({ name, open }: StoreContractOptions) {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    describe('users, conversations and messages', () => conversationContract(() => store));
    describe('the run queue', () => runQueueContract(() => store));
    describe('the assistant', () => assistantContract(() => store));
    describe('browser options, files and saved sessions', () => filesContract(() => store));
  });
}
