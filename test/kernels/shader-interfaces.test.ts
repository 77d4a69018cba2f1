// Each kernel's interface is declared once, in TypeScript (src/runtime/kernel-interface.ts): no
// shader file declares a binding or a `struct Params` by hand, every kernel file (one that is not
// only included by others) is declared by exactly one `shader('<file>', …)` under src/, and every
// declared file exists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shaderFiles = readdirSync(join(root, 'shaders')).filter((f) => f.endsWith('.wgsl'));
const sources = new Map(shaderFiles.map((f) => [f.replace(/\.wgsl$/, ''), readFileSync(join(root, 'shaders', f), 'utf8')]));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** file → how many times src/ declares it with shader('file', …). */
function declarations(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of tsFiles(join(root, 'src'))) {
    for (const m of readFileSync(path, 'utf8').matchAll(/\bshader\('(\w+)'/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

/** Files other shaders include (`//! include NAME`, or one of the names after `from`), and common. */
function included(): Set<string> {
  const names = new Set(['common']);
  for (const text of sources.values()) {
    for (const m of text.matchAll(/^\/\/! include (?:(\w+)|\{\{\w+\}\} from (\w+(?:, \w+)*))\s*$/gm)) {
      for (const name of (m[1] ?? m[2]!).split(', ')) names.add(name);
    }
  }
  return names;
}

test('no shader declares a binding or struct Params by hand', () => {
  const found: string[] = [];
  for (const [file, text] of sources) {
    text.split('\n').forEach((line, i) => {
      if (/@binding\(|^\s*struct Params\b/.test(line)) found.push(`shaders/${file}.wgsl:${i + 1}: ${line.trim()}`);
    });
  }
  assert.equal(found, []);
});

test('every kernel file is declared by exactly one shader() under src/, and every declared file exists', () => {
  const counts = declarations();
  const includes = included();
  const problems: string[] = [];
  for (const file of sources.keys()) {
    const n = counts.get(file) ?? 0;
    if (!includes.has(file) && n !== 1) problems.push(`shaders/${file}.wgsl is declared ${n} times`);
  }
  for (const file of counts.keys()) if (!sources.has(file)) problems.push(`shader('${file}') names no file in shaders/`);
  assert.equal(problems, []);
});

test.run();
