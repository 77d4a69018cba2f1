// No list is spread into the arguments of a function that takes any number of them (Math.min,
// Math.max, Math.hypot, push, unshift, splice, String.fromCharCode) in src/ or bench/: a spread
// passes every element as an argument, and the argument count is bounded by the stack, so
// `Math.min(...pixels)` over one 256 px image throws "Maximum call stack size exceeded". Use
// minOf / maxOf (src/common/extent.ts) or a loop. Spreads into array and object literals, rest
// parameters and a fixed tuple spread into a function of fixed arity are left alone.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxOf, minOf } from '../../src/common/extent.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Text with comments, strings and template literals blanked (same length, so offsets keep their lines). */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Callees whose every argument is one more value: a spread there has no bound. */
const VARIADIC = /(?:\bMath\.(?:min|max|hypot)|\.(?:push|unshift|splice)|\bString\.(?:fromCharCode|fromCodePoint))\s*$/;

/** Offsets of `...` that stand directly in the argument list of a VARIADIC callee. */
export function spreadArguments(text: string): number[] {
  const code = codeOnly(text);
  const open: Array<{ call: boolean }> = [];
  const found: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '(' || ch === '[' || ch === '{') {
      open.push({ call: ch === '(' && VARIADIC.test(code.slice(Math.max(0, i - 40), i)) });
    } else if (ch === ')' || ch === ']' || ch === '}') {
      open.pop();
    } else if (code.startsWith('...', i)) {
      if (open.at(-1)?.call) found.push(i);
      i += 2;
    }
  }
  return found;
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

test('the detector finds spreads into calls and leaves literals, rest parameters and declarations alone', () => {
  const flagged = (src: string) => spreadArguments(src).length;
  assert.is(flagged('Math.max(...values)'), 1);
  assert.is(flagged('Math.min(0, ...points.map(([, y]) => y))'), 1);
  assert.is(flagged('out.push(...c.namedParameters(`${p}.`))'), 1);
  assert.is(flagged('String.fromCharCode(...bytes); Math.hypot(...row); list.unshift(1, ...more)'), 3);
  assert.is(flagged('const a = [...b, ...c]; const o = { ...p }; Math.max(1, maxOf([...b]));'), 0);
  assert.is(flagged('function f(...args: number[]) {} const h = (...xs: number[]) => xs; kernel(x, ...lines(x, axis));'), 0);
  assert.is(flagged('// Math.max(...values)\nconst s = "f(...x)";'), 0);
});

test('minOf and maxOf over more values than a call can take, and as Math.min / Math.max at the edges', () => {
  const pixels = new Float32Array(512 * 512).map((_, i) => (i * 7919) % 1000);
  pixels[12345] = -3;
  pixels[200000] = 1000.5;
  assert.is(minOf(pixels), -3);
  assert.is(maxOf(pixels), 1000.5);
  assert.is(minOf([]), Infinity);
  assert.is(maxOf([]), -Infinity);
  assert.ok(Number.isNaN(maxOf([1, NaN, 2])) && Number.isNaN(minOf([NaN])));
});

test('no argument spread in src/ or bench/', () => {
  const hits = ['src', 'bench'].flatMap(sourceFiles).flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return spreadArguments(text).map((at) => `${file}:${lineOf(text, at)}: ${text.split('\n')[lineOf(text, at) - 1]!.trim()}`);
  });
  assert.equal(hits, [], `spread into a call (use minOf/maxOf of src/common/extent.ts, or a loop):\n${hits.join('\n')}`);
});

test.run();
