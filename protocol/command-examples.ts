/** A task in the command grammar, with a short title for the start page. */
export type CommandExample = { title: string; prompt: string };

/**
 * Tasks that run against skipper's own demo site at `baseUrl` with no model and no internet.
 * The chat's help reply, the start page and the README show the same ones; the grammar's
 * tests check that each parses.
 */
export function commandExamples(baseUrl: string): CommandExample[] {
  return [
    {
      title: 'Sign in to the demo site',
      prompt: `go to ${baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", click "Sign in", then take a screenshot`,
    },
    {
      title: 'Choose a plan and subscribe',
      prompt: `go to ${baseUrl}/demo/form, select "Team" from "Plan", click "Subscribe" and check that the page shows "Thanks for subscribing"`,
    },
    {
      title: 'Wait for a status to appear',
      prompt: `go to ${baseUrl}/demo/form, click "Check status", wait for "All systems operational", then read the text of "h1"`,
    },
    {
      title: 'Search the docs',
      prompt: `go to ${baseUrl}/demo/form, type "webhooks" into "Search docs", press Enter, take a full-page screenshot`,
    },
  ];
}
