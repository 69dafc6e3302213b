import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './send-file.ts';

describe('attachment disposition', () => {
  it.each([
    ['report.pdf', "attachment; filename*=UTF-8''report.pdf"],
    ['résumé (final).pdf', "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%28final%29.pdf"],
    ['it\'s "quoted"; x=1*.txt', "attachment; filename*=UTF-8''it%27s%20%22quoted%22%3B%20x%3D1%2A.txt"],
    ['📄.txt', "attachment; filename*=UTF-8''%F0%9F%93%84.txt"],
  ])('%j is sent as %j', (name, header) => {
    expect(attachmentDisposition(name)).toBe(header);
    expect(decodeURIComponent(header.split("''")[1]!)).toBe(name);
  });
});
