import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// ARCHITECTURE D1 and STYLE §2.1: dependencies point one way. protocol/ imports only zod;
// server/, agent-runner/ and chat-ui/ import protocol/ and never each other. Tests and test
// helpers may cross (an end-to-end test starts both a server and a runner).

const root = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['protocol', 'server', 'agent-runner', 'chat-ui'] as const;
const ALLOWED: Record<(typeof FOLDERS)[number], { folders: string[]; packages: RegExp }> = {
  protocol: { folders: ['protocol'], packages: /^zod$/ },
  server: { folders: ['server', 'protocol'], packages: /./ },
  'agent-runner': { folders: ['agent-runner', 'protocol'], packages: /./ },
  'chat-ui': { folders: ['chat-ui', 'protocol'], packages: /./ },
};
const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function productFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'test', 'testing'].includes(entry.name) ? [] : productFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$|^testing\.ts$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => (match[1] ?? match[2])!);
}

describe('dependency boundaries', () => {
  for (const folder of FOLDERS) {
    it(`${folder}/ imports only what it may`, () => {
      const files = productFiles(join(root, folder));
      const imports = files.flatMap((file) => importsOf(file).map((specifier) => ({ file, specifier })));
      // The scan must see real imports, or this test would pass on nothing.
      expect(imports.length).toBeGreaterThan(files.length / 2);

      const violations = imports.flatMap(({ file, specifier }) => {
        const where = relative(root, file);
        if (specifier.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), specifier)).split('/')[0]!;
          return ALLOWED[folder].folders.includes(target) ? [] : [`${where} imports ${specifier} (${target}/)`];
        }
        const name = specifier.startsWith('node:') ? specifier : specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
        return ALLOWED[folder].packages.test(name) ? [] : [`${where} imports the package ${name}`];
      });
      expect(violations).toEqual([]);
    });
  }
});
