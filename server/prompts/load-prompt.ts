import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A prompt file from prompts/, with the hash that plans and evals record to tell versions apart. */
export type Prompt = { name: string; hash: string; text: string };

const PROMPTS_DIR = new URL('../../prompts/', import.meta.url);

/** Reads `prompts/<name>.md`; called at start so a missing prompt stops the server early. */
export async function loadPrompt(name: string): Promise<Prompt> {
  const text = (await readFile(new URL(`${name}.md`, PROMPTS_DIR), 'utf8')).trim();
  return { name, hash: createHash('sha256').update(text).digest('hex').slice(0, 12), text };
}
