import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';

/** Draft key of the composer on `/`, before a conversation exists. */
export const NEW_CONVERSATION_DRAFT = 'new';

const STORAGE_KEY = 'skipper:drafts';
const DraftsSchema = z.record(z.string(), z.string());

export type Drafts = {
  get(key: string): string;
  set(key: string, text: string): void;
  /** Carries the text typed on `/` over to the conversation it created. */
  move(from: string, to: string): void;
};

/** What is typed in each conversation's composer, kept in sessionStorage so a reload or a switch loses nothing. */
export function useDrafts(): Drafts {
  const [drafts, setDrafts] = useState<Record<string, string>>(readDrafts);

  useEffect(() => {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(drafts));
    } catch {
      // Storage full or disabled: drafts still live in memory for this page.
    }
  }, [drafts]);

  const get = useCallback((key: string) => drafts[key] ?? '', [drafts]);
  const set = useCallback((key: string, text: string) => {
    setDrafts((current) => {
      const { [key]: _previous, ...rest } = current;
      return text === '' ? rest : { ...rest, [key]: text };
    });
  }, []);
  const move = useCallback((from: string, to: string) => {
    setDrafts((current) => {
      const { [from]: text, ...rest } = current;
      return text === undefined ? rest : { ...rest, [to]: text };
    });
  }, []);

  return { get, set, move };
}

function readDrafts(): Record<string, string> {
  try {
    const result = DraftsSchema.safeParse(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}'));
    return result.success ? result.data : {};
  } catch {
    return {};
  }
}
