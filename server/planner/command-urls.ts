import { quote } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';

/** Longest address accepted, matching the goto step's limit. */
const MAX_URL_LENGTH = 2048;

const SCHEME_WITH_SLASHES = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `javascript:`, `mailto:`, `data:`: a scheme without slashes, not to be confused with `host:8080`. */
const SCHEME_WITHOUT_SLASHES = /^([a-z][a-z0-9+.-]*):(?!\d)/i;
/** Trailing punctuation is the sentence's, not the address's: `go to example.com.` */
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;
const LOCAL_HOSTS = new Set(['localhost', '0.0.0.0', '[::1]']);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** A dotted name ending in a letters-only top-level domain; each label ends at its dot, so no backtracking blow-up. */
const DOMAIN = /^(?:[a-z0-9-]+\.)+[a-z]{2,63}$/i;

/**
 * The http(s) URL a user meant: full URLs are kept, `example.com/path` gets `https://`, and local
 * hosts and IPv4 addresses get `http://` because development servers rarely speak TLS.
 */
export function normalizeUrl(written: string): ArgumentResult<string> {
  const text = written.trim().replace(/^<(.*)>$/, '$1').replace(TRAILING_PUNCTUATION, '');
  if (text === '') return { ok: false, problem: 'The web address is missing.' };
  if (text.length > MAX_URL_LENGTH) {
    return { ok: false, problem: `The web address is longer than ${MAX_URL_LENGTH} characters.` };
  }
  const scheme = SCHEME_WITH_SLASHES.exec(text)?.[1];
  if (scheme !== undefined) return checkScheme(text, scheme);
  const host = /^[^/?#]*/.exec(text)![0].replace(/:\d{1,5}$/, '').toLowerCase();
  if (LOCAL_HOSTS.has(host) || IPV4.test(host)) return { ok: true, value: `http://${text}` };
  if (DOMAIN.test(host)) return { ok: true, value: `https://${text}` };
  const bareScheme = SCHEME_WITHOUT_SLASHES.exec(text)?.[1];
  if (bareScheme !== undefined && !LOCAL_HOSTS.has(bareScheme.toLowerCase())) return checkScheme(text, bareScheme);
  return { ok: false, problem: `${quote(text)} is not a web address; write one like https://example.com.` };
}

function checkScheme(text: string, scheme: string): ArgumentResult<string> {
  const lower = scheme.toLowerCase();
  if (lower !== 'http' && lower !== 'https') {
    return { ok: false, problem: `Only http and https addresses can be opened; ${quote(text)} uses ${lower}.` };
  }
  if (!URL.canParse(text)) return { ok: false, problem: `${quote(text)} is not a valid web address.` };
  return { ok: true, value: text };
}
