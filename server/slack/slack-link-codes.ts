import { createHash, randomInt } from 'node:crypto';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Store } from '../store/store.ts';

/** How long a link code can be used: long enough to switch to Slack and type it. */
export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** 8 characters of 31: about 8.5 × 10^11 codes, each usable for ten minutes, once. */
const CODE_LENGTH = 8;

export type SlackLinkCodes = {
  /** A new one-time code for the owner, shown once (only its hash is stored). */
  create(ownerId: string): Promise<{ code: string; expiresAt: string }>;
  /**
   * Links the Slack user to the owner of `code` and uses the code up. Throws `invalid-request`
   * when the code is unknown, used or expired; links nothing then.
   */
  redeem(input: { code: string; teamId: string; userId: string }): Promise<{ ownerId: string }>;
};

/** `7KQ2-M9XD`, `7kq2m9xd` and ` 7KQ2 M9XD ` are the same code. */
function codeHash(code: string): Buffer {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest();
}

export function createSlackLinkCodes({ store, now = () => new Date(), ttlMs = LINK_CODE_TTL_MS }: { store: Store; now?: () => Date; ttlMs?: number }): SlackLinkCodes {
  return {
    async create(ownerId) {
      const characters = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!);
      const code = `${characters.slice(0, 4).join('')}-${characters.slice(4).join('')}`;
      const expiresAt = new Date(now().getTime() + ttlMs);
      await store.slackLinks.createCode(ownerId, { codeHash: codeHash(code), expiresAt });
      return { code, expiresAt: expiresAt.toISOString() };
    },

    async redeem({ code, teamId, userId }) {
      const linked = await store.slackLinks.redeemCode({ codeHash: codeHash(code), teamId, userId });
      if (!linked) {
        throw new SkipperError('invalid-request', 'That code does not work: it is mistyped, was used already, or is more than ten minutes old. Get a new one in skipper (Link Slack, in the sidebar).');
      }
      return linked;
    },
  };
}
