// README's map of the source tree (the indented block under "## How it is built") names every
// folder and file at the top of src/ and every folder of src/ncl/, and nothing that is not there.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The paths the map names: the first word of each of its lines (continuations are indented further). */
function mapPaths(readme: string): string[] {
  const section = readme.split('\n## How it is built\n')[1];
  if (section === undefined) throw new Error('README.md has no "## How it is built" section');
  const block = section.replace(/^\n+/, '').split('\n\n')[0]!;
  return block.split('\n').flatMap((line) => /^ {4}(\S+)/.exec(line)?.[1] ?? []);
}

/** What the map must name: src/'s folders (as 'src/x/') and files, and src/ncl/'s folders. */
function mustName(): string[] {
  const entries = (dir: string) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory() || (dir === 'src' && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')))
      .map((e) => `${dir}/${e.name}${e.isDirectory() ? '/' : ''}`);
  return [...entries('src'), ...entries('src/ncl')];
}

const mapped = mapPaths(readFileSync(join(root, 'README.md'), 'utf8'));

test("README's map names every folder of src/ and src/ncl/ and every file at the top of src/", () => {
  assert.equal(mustName().filter((path) => !mapped.includes(path)), [], 'missing from the map in README.md');
});

test("every path in README's map exists", () => {
  assert.equal(mapped.filter((path) => !existsSync(join(root, path))), []);
});

test('the map is read from its lines, not their continuations (fixture)', () => {
  const readme = '# x\n\n## How it is built\n\n    src/a/      one\n                second line\n    src/b.ts    two\n\n    not/map\n';
  assert.equal(mapPaths(readme), ['src/a/', 'src/b.ts']);
});

test.run();
