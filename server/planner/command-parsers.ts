import type { BrowserOptions, DialogAnswer, Step, Target } from '../../protocol/index.ts';
import { readAddressPart } from './command-address.ts';
import {
  dropLeading, indexOfWord, isWord, joinTokens, quote, readLabels, readTarget, readValue,
} from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import { readSaveSession, readUse } from './command-browser.ts';
import { readDialogAnswer } from './command-dialogs.ts';
import { readDuration } from './command-durations.ts';
import { looksLikeChord, normalizeKey } from './command-keys.ts';
import { readScroll } from './command-scroll.ts';
import { readShownText } from './command-shown-text.ts';
import { readCloseTab, readSwitchTab } from './command-tabs.ts';
import type { ClauseToken, CommandToken } from './command-tokenizer.ts';
import { normalizeUrl } from './command-urls.ts';

/**
 * What one command says: a step; how the run's browser is set up (for the whole plan, wherever it
 * is written); or how the step before it answers the dialogs it opens (`click "Delete" and dismiss the dialog`).
 */
export type CommandValue = Step | { browser: BrowserOptions } | { dialog: DialogAnswer };

/** One command of the grammar: the verbs that start it and how to read the words after them. */
export interface CommandParser {
  /** Verb phrases in lower case, one entry per word: `['go', 'to']`. */
  verbs: readonly (readonly string[])[];
  /** One line for the help text. */
  usage: string;
  /** A correct use, appended to every problem this command reports. */
  example: string;
  /** Reads the tokens after the verb; `verb` is the matched phrase in lower case. */
  parse(args: ClauseToken[], verb: string): ArgumentResult<CommandValue>;
}

const gotoCommand: CommandParser = {
  verbs: [['go', 'to'], ['open'], ['visit'], ['navigate'], ['browse']],
  usage: 'go to URL (also: open, visit)',
  example: 'go to https://example.com',
  parse(args) {
    const rest = dropLeading(args, ['to', 'the', 'url', 'page', 'site', 'website', 'address']);
    if (rest.length === 0) return { ok: false, problem: 'The web address is missing.' };
    if (rest.length > 1) return { ok: false, problem: `${quote(joinTokens(args))} is not one web address.` };
    const url = normalizeUrl(rest[0]!.text);
    return url.ok ? { ok: true, value: { type: 'goto', url: url.value } } : url;
  },
};

const clickCommand: CommandParser = {
  verbs: [['click'], ['tap']],
  usage: 'click "Text of a button or link" (also: tap, press)',
  example: 'click "Sign in"',
  parse: readClick,
};

const pressCommand: CommandParser = {
  verbs: [['press'], ['hit']],
  usage: 'press Enter (or Tab, Escape, down arrow, ctrl+a), optionally in "Field"',
  example: 'press Enter in "Search docs"',
  /** `press Enter` is a key; `press the "Sign in" button` or `press Submit` is a click. */
  parse(args) {
    const inAt = indexOfWord(args, ['in', 'into', 'on']);
    let keyWords = dropLeading(args.slice(0, inAt < 0 ? args.length : inAt), ['the']);
    if (isWord(keyWords[keyWords.length - 1], 'key')) keyWords = keyWords.slice(0, -1);
    const spoken = joinTokens(keyWords);
    const key = keyWords.length > 0 ? normalizeKey(spoken) : undefined;
    if (key === undefined) {
      if (looksLikeChord(spoken)) return { ok: false, problem: `${quote(spoken)} is not a key combination I know.` };
      return readClick(args);
    }
    if (inAt < 0) return { ok: true, value: { type: 'press', key } };
    const target = readTarget(args.slice(inAt + 1), 'the field to press it in');
    return target.ok ? { ok: true, value: { type: 'press', key, target: target.value } } : target;
  },
};

const fillCommand: CommandParser = {
  verbs: [['type'], ['enter'], ['write'], ['input'], ['fill']],
  usage: 'type "text" into "Field" (also: fill "Field" with "text")',
  example: 'type "alice@example.com" into "Email"',
  parse(args, verb) {
    if (verb === 'fill') {
      const rest = dropLeading(args, ['in', 'out']);
      const withAt = indexOfWord(rest, ['with']);
      if (withAt < 0) return { ok: false, problem: 'Say what to fill it with: fill "Field" with "text".' };
      return fillStep(
        readTarget(rest.slice(0, withAt), 'the field to fill'),
        readValue(rest.slice(withAt + 1), 'the text to fill in'),
      );
    }
    if (args.length === 0 && verb === 'enter') return { ok: false, problem: 'To press the Enter key, write: press Enter.' };
    let intoAt = indexOfWord(args, ['into']);
    if (intoAt < 0) intoAt = indexOfWord(args, ['in']);
    if (intoAt < 0) {
      const problem = args.length === 0 ? 'The text to type and the field are missing.' : 'Say which field to type into.';
      return { ok: false, problem };
    }
    return fillStep(
      readTarget(args.slice(intoAt + 1), 'the field to type into'),
      readValue(args.slice(0, intoAt), 'the text to type'),
    );
  },
};

const selectCommand: CommandParser = {
  verbs: [['select'], ['choose'], ['pick']],
  usage: 'select "Option" from "Dropdown", or several: select "Bangladesh" and "Guam" from "Countries"',
  example: 'select "Team" from "Plan"',
  parse(args) {
    let fromAt = indexOfWord(args, ['from']);
    if (fromAt < 0) fromAt = indexOfWord(args, ['in']);
    if (fromAt < 0) return { ok: false, problem: 'Say which dropdown to choose from.' };
    const options = readLabels(args.slice(0, fromAt), 'the options to choose');
    if (!options.ok) return options;
    const target = readTarget(args.slice(fromAt + 1), 'the dropdown to choose from');
    if (!target.ok) return target;
    // One option stays a string, as a step for a single-choice dropdown always was.
    const option = options.value.length === 1 ? options.value[0]! : options.value;
    return { ok: true, value: { type: 'select', target: target.value, option } };
  },
};

const waitCommand: CommandParser = {
  verbs: [['wait']],
  usage: 'wait 2 seconds, wait for "Some text", or wait until the URL contains "/dashboard"',
  example: 'wait for "Welcome back"',
  parse(args) {
    const afterFor = dropLeading(args, ['for']);
    const duration = readDuration(afterFor);
    if (duration) return duration.ok ? { ok: true, value: { type: 'wait', ms: duration.value } } : duration;
    const rest = dropLeading(args, ['for', 'until', 'till']);
    if (rest.length === 0) return { ok: false, problem: 'Say how long or what to wait for.' };
    const address = readAddressPart(rest);
    if (address) return address.ok ? { ok: true, value: { type: 'waitForUrl', contains: address.value } } : address;
    const text = readShownText(rest, rest.length < args.length ? 'any' : 'quoted-only');
    if (!text) return { ok: false, problem: 'Say how long or what to wait for.' };
    if (!text.ok) return text;
    if (/^(?:page|it)$/i.test(text.value)) {
      return { ok: false, problem: 'Each step already waits for the page to load; to wait for something specific, name its text.' };
    }
    return { ok: true, value: { type: 'wait', text: text.value } };
  },
};

const extractCommand: CommandParser = {
  verbs: [['extract'], ['read'], ['get'], ['copy']],
  usage: 'read the text of "Element" (also: extract, get, copy)',
  example: 'read the text of "Total"',
  parse(args) {
    let rest = dropLeading(args, ['the']);
    if (isWord(rest[0], 'text', 'content', 'contents', 'value')) {
      rest = dropLeading(rest.slice(1), ['of', 'from', 'in', 'on']);
    }
    const target = readTarget(rest, 'what to read');
    return target.ok ? { ok: true, value: { type: 'extract', target: target.value } } : target;
  },
};

const assertCommand: CommandParser = {
  verbs: [['check'], ['verify'], ['assert'], ['confirm'], ['ensure'], ['make', 'sure']],
  usage: 'check that the page shows "Some text" (also: verify, assert, make sure)',
  example: 'check that the page shows "Welcome back"',
  parse(args, verb) {
    // "check" also ticks checkboxes: it checks the page only when the words say what the page shows.
    const ticks = verb === 'check' && !isWord(args[0], 'that');
    const text = readShownText(dropLeading(args, ['that']), ticks ? 'none' : 'quoted-only');
    if (text) return text.ok ? { ok: true, value: { type: 'assert', text: text.value } } : text;
    if (!ticks) return { ok: false, problem: 'Say which text the page must show.' };
    if (args.length === 0) {
      return { ok: false, problem: 'Say what to check: check "Remember me" ticks a checkbox, check that the page shows "Welcome" checks the page.' };
    }
    // "check the staging dashboard every morning" is a request, not a checkbox: an unquoted name
    // counts only when the words say it is a box (or it is a CSS selector).
    const target = readTarget(args, 'what to check');
    const named = args.some((token) => token.kind === 'quoted') || isWord(args.at(-1), 'box', 'checkbox');
    if (target.ok && typeof target.value === 'string' && !named) {
      return { ok: false, problem: 'Put what to check in quotes: check "Remember me" ticks a checkbox, check that the page shows "Welcome" checks the page.' };
    }
    return readCheckbox(args, verb);
  },
};

const checkboxCommand: CommandParser = {
  // "check" itself belongs to the assert command, which hands a checkbox over to this one.
  verbs: [['tick'], ['uncheck'], ['untick']],
  usage: 'check "Remember me" or uncheck "Newsletter" (also: tick, untick): a checkbox or radio button',
  example: 'check "Remember me"',
  parse: readCheckbox,
};

const hoverCommand: CommandParser = {
  verbs: [['hover'], ['mouse', 'over']],
  usage: 'hover over "Menu"',
  example: 'hover over "Products"',
  parse(args) {
    const target = readTarget(dropLeading(args, ['over', 'on', 'above']), 'what to hover over');
    return target.ok ? { ok: true, value: { type: 'hover', target: target.value } } : target;
  },
};

const scrollCommand: CommandParser = {
  verbs: [['scroll']],
  usage: 'scroll down (or up, optionally by 500 pixels), scroll to the bottom (or top), scroll to "Footer"',
  example: 'scroll down 500 pixels',
  parse: readScroll,
};

const switchTabCommand: CommandParser = {
  verbs: [['switch', 'to'], ['switch', 'back', 'to']],
  usage: 'switch to tab 2, or to the tab "Invoice" (a click that opens a tab moves to it by itself)',
  example: 'switch to tab 2',
  parse: readSwitchTab,
};

const closeTabCommand: CommandParser = {
  // Two words, so `click Save and close` keeps its button name whole.
  verbs: [['close', 'the'], ['close', 'this'], ['close', 'tab'], ['close', 'current'], ['close', 'popup']],
  usage: 'close the tab',
  example: 'close the tab',
  parse: readCloseTab,
};

const dialogCommand: CommandParser = {
  verbs: [['accept'], ['dismiss'], ['answer']],
  usage: 'click "Delete" and dismiss the dialog (or accept it, or answer the prompt with "Alice"); dialogs are accepted unless you say so',
  example: 'click "Delete" and dismiss the dialog',
  parse(args, verb) {
    const dialog = readDialogAnswer(args, verb);
    return dialog.ok ? { ok: true, value: { dialog: dialog.value } } : dialog;
  },
};

const useCommand: CommandParser = {
  verbs: [['use']],
  usage: 'use my "staging" session (a saved sign-in), use a 390x844 window, use the locale de-DE, use the time zone Europe/Berlin',
  example: 'use my "staging" session',
  parse(args) {
    const browser = readUse(args);
    return browser.ok ? { ok: true, value: { browser: browser.value } } : browser;
  },
};

const saveSessionCommand: CommandParser = {
  verbs: [['save']],
  usage: 'save the session as "staging" (kept when the run succeeds, for later runs to use)',
  example: 'save the session as "staging"',
  parse(args) {
    const browser = readSaveSession(args);
    return browser.ok ? { ok: true, value: { browser: browser.value } } : browser;
  },
};

const SCREENSHOT_WORDS = new Set([
  'a', 'an', 'the', 'of', 'screenshot', 'screen', 'snapshot', 'page', 'full', 'full-page', 'fullpage', 'whole', 'entire',
]);
const FULL_PAGE_WORDS = ['full', 'full-page', 'fullpage', 'whole', 'entire'];

const screenshotCommand: CommandParser = {
  verbs: [['take'], ['capture'], ['screenshot']],
  usage: 'take a screenshot (or a full-page screenshot)',
  example: 'take a full-page screenshot',
  parse(args, verb) {
    const unknown = args.filter((token) => token.kind !== 'word' || !SCREENSHOT_WORDS.has(token.text.toLowerCase()));
    if (unknown.length > 0) {
      const problem = `Did not understand ${quote(joinTokens(unknown))}; a screenshot shows the visible page or the full page.`;
      return { ok: false, problem };
    }
    if (verb !== 'screenshot' && indexOfWord(args, ['screenshot', 'screen', 'snapshot', 'page']) < 0) {
      return { ok: false, problem: 'The word “screenshot” is missing.' };
    }
    const fullPage = indexOfWord(args, FULL_PAGE_WORDS) >= 0;
    return { ok: true, value: fullPage ? { type: 'screenshot', fullPage } : { type: 'screenshot' } };
  },
};

/** Every command, in the order the help text lists them. */
export const COMMAND_PARSERS: readonly CommandParser[] = [
  gotoCommand, clickCommand, fillCommand, pressCommand, selectCommand, checkboxCommand, hoverCommand, scrollCommand,
  waitCommand, extractCommand, assertCommand, screenshotCommand, switchTabCommand, closeTabCommand, dialogCommand,
  useCommand, saveSessionCommand,
];

/** The command whose verb starts at `tokens[index]`, with the verb phrase and its length in tokens. */
export function matchCommand(
  tokens: readonly CommandToken[],
  index: number,
): { parser: CommandParser; verb: string; length: number } | undefined {
  for (const parser of COMMAND_PARSERS) {
    for (const phrase of parser.verbs) {
      const matches = phrase.every((word, offset) => {
        const token = tokens[index + offset];
        return token?.kind === 'word' && token.text.toLowerCase() === word;
      });
      if (matches) return { parser, verb: phrase.join(' '), length: phrase.length };
    }
  }
  return undefined;
}

/** `check "Remember me"`, `untick the Newsletter box`; `verb` says which. */
function readCheckbox(args: ClauseToken[], verb: string): ArgumentResult<Step> {
  const type = verb === 'uncheck' || verb === 'untick' ? 'uncheck' : 'check';
  const target = readTarget(args, `what to ${verb}`);
  return target.ok ? { ok: true, value: { type, target: target.value } } : target;
}

function readClick(args: ClauseToken[]): ArgumentResult<Step> {
  const target = readTarget(dropLeading(args, ['on']), 'what to click');
  return target.ok ? { ok: true, value: { type: 'click', target: target.value } } : target;
}

function fillStep(target: ArgumentResult<Target>, value: ArgumentResult<string>): ArgumentResult<Step> {
  if (!value.ok) return value;
  if (!target.ok) return target;
  return { ok: true, value: { type: 'fill', target: target.value, value: value.value } };
}
