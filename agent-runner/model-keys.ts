/**
 * Removes model provider keys (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY` and every other
 * `*_API_KEY`) from `env`. A runner calls models only through the server (ARCHITECTURE D5), so
 * it has no use for them, and a key left there is one a library could find and use.
 */
export function forgetModelKeys(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(env)) if (/_API_KEY$/i.test(name)) delete env[name];
}
