import { describe, expect, it } from 'vitest';
import { safeMimeType } from './mime-type.ts';
import { safeFileName } from './safe-file-name.ts';

describe('safe file names', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\alice\\report.pdf', 'report.pdf'],
    ['  quarterly   report .pdf  ', 'quarterly report .pdf'],
    ['.bashrc', 'bashrc'],
    ['invoice.pdf.', 'invoice.pdf'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['line\nbreak\u0007.txt', 'linebreak.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.txt', 'zerowidth.txt'],
    ['résumé 📄.pdf', 'résumé 📄.pdf'],
    ['e\u0301.txt', 'é.txt'],
  ])('%j becomes %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });

  it.each(['..', '.', '///', ' ', '\u202E', 'folder/'])('%j leaves nothing usable', (name) => {
    expect(safeFileName(name)).toBeNull();
  });

  it('shortens a long name in its stem, keeping the extension and whole characters', () => {
    const long = safeFileName(`${'😀'.repeat(300)}.pdf`)!;
    expect(Array.from(long)).toHaveLength(255);
    expect(long.endsWith('😀.pdf')).toBe(true);
    expect(long.isWellFormed()).toBe(true);
    expect(Array.from(safeFileName(`${'x'.repeat(300)}.${'y'.repeat(40)}`)!)).toHaveLength(255);
  });
});

describe('safe media types', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    ['Text/CSV; charset=utf-8', 'text/csv'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['image/svg+xml', 'image/svg+xml'],
    [undefined, 'application/octet-stream'],
    ['', 'application/octet-stream'],
    ['html', 'application/octet-stream'],
    ['text/html\r\nX-Injected: 1', 'application/octet-stream'],
    ['text/ html', 'application/octet-stream'],
    ['a/b/c', 'application/octet-stream'],
  ])('%j is stored as %j', (value, stored) => {
    expect(safeMimeType(value)).toBe(stored);
  });
});
