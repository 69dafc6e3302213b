import { describe, expect, it } from 'vitest';
import { normalizeUrl } from './command-urls.ts';

describe('normalizeUrl', () => {
  it.each<[string, string]>([
    ['https://example.com', 'https://example.com'],
    ['HTTP://Example.com/A', 'HTTP://Example.com/A'],
    ['example.com', 'https://example.com'],
    ['example.com/path?q=1#top', 'https://example.com/path?q=1#top'],
    ['sub.example.co.uk:8443/x', 'https://sub.example.co.uk:8443/x'],
    ['localhost', 'http://localhost'],
    ['localhost:3000/demo/login', 'http://localhost:3000/demo/login'],
    ['LOCALHOST:3000', 'http://LOCALHOST:3000'],
    ['127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['192.168.1.20', 'http://192.168.1.20'],
    ['0.0.0.0:5173', 'http://0.0.0.0:5173'],
    ['[::1]:3000', 'http://[::1]:3000'],
    ['example.com.', 'https://example.com'],
    ['example.com/path,', 'https://example.com/path'],
    ['https://example.com/a?b=1!', 'https://example.com/a?b=1'],
    ['<https://example.com>', 'https://example.com'],
  ])('%s -> %s', (written, url) => {
    expect(normalizeUrl(written)).toEqual({ ok: true, value: url });
  });

  it.each<[string, RegExp]>([
    ['', /missing/],
    ['...', /missing/],
    ['login', /is not a web address/],
    ['localhost:abc', /is not a web address/],
    ['1.5', /is not a web address/],
    ['ftp://example.com', /uses ftp/],
    ['file:///etc/passwd', /uses file/],
    ['javascript:alert(1)', /uses javascript/],
    ['JavaScript:alert(1)', /uses javascript/],
    ['mailto:alice@example.com', /uses mailto/],
    ['http://', /not a valid web address/],
  ])('refuses %j', (written, problem) => {
    expect(normalizeUrl(written)).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });

  it('refuses an address longer than a goto step allows', () => {
    expect(normalizeUrl(`https://example.com/${'a'.repeat(2048)}`)).toEqual({
      ok: false,
      problem: 'The web address is longer than 2048 characters.',
    });
  });
});
