/** Chromium's network error codes, in words a person can act on. */
const NETWORK_ERROR_REASONS: Record<string, string> = {
  ERR_CONNECTION_REFUSED: 'the server refused the connection',
  ERR_CONNECTION_RESET: 'the connection was reset',
  ERR_CONNECTION_CLOSED: 'the server closed the connection',
  ERR_CONNECTION_TIMED_OUT: 'the connection timed out',
  ERR_EMPTY_RESPONSE: 'the server closed the connection without answering',
  ERR_NAME_NOT_RESOLVED: 'the host name could not be found',
  ERR_NAME_RESOLUTION_FAILED: 'the host name could not be found',
  ERR_ADDRESS_UNREACHABLE: 'the address cannot be reached',
  ERR_INTERNET_DISCONNECTED: 'there is no network connection',
  ERR_NETWORK_CHANGED: 'the network changed during the request',
  ERR_PROXY_CONNECTION_FAILED: 'the proxy refused the connection',
  ERR_TOO_MANY_REDIRECTS: 'the page redirects in a loop',
  ERR_UNSAFE_PORT: 'the browser refuses to connect to that port',
  ERR_ABORTED: 'the navigation was interrupted (for example by a download or another navigation)',
  ERR_BLOCKED_BY_CLIENT: 'the browser blocked the request',
  ERR_BLOCKED_BY_RESPONSE: 'the site does not allow this page to be opened here',
  ERR_SSL_PROTOCOL_ERROR: 'the secure connection failed',
  ERR_CERT_AUTHORITY_INVALID: "the site's certificate is not trusted",
  ERR_CERT_COMMON_NAME_INVALID: "the site's certificate is for another host name",
  ERR_CERT_DATE_INVALID: "the site's certificate has expired or is not yet valid",
  ERR_INVALID_URL: 'the address is not a valid URL',
};

/**
 * Plain-words reason for a failed navigation, keeping Chromium's `net::` code so it can be
 * looked up: "the server refused the connection (net::ERR_CONNECTION_REFUSED)".
 * Undefined when the message has no `net::` code.
 */
export function describeNetworkError(message: string): string | undefined {
  const code = /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];
  if (!code) return undefined;
  const reason = NETWORK_ERROR_REASONS[code] ?? (code.startsWith('ERR_CERT_') ? "the site's certificate was rejected" : 'a network error');
  return `${reason} (net::${code})`;
}
