// The layers of the source tree and the only directions their imports may take
// (docs/architecture.md), and no import cycle between files.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Layer of a file, by its path; the first matching prefix wins. */
const LAYERS: Array<[prefix: string, layer: string]> = [
  ['src/platform/', 'platform'],
  ['src/runtime/', 'runtime'],
  ['src/storage/', 'storage'],
  ['src/kernels/', 'kernels'],
  ['src/autograd/', 'autograd'],
  ['src/nn/', 'nn'],
  ['src/optim/', 'optim'],
  ['src/common/', 'common'],
  ['src/io/', 'io'],
  ['src/data/', 'data'],
  ['src/metrics/', 'metrics'],
  ['src/device.ts', 'device'],
  ['src/ncl/ops/', 'ops'],
  ['src/ncl/method/', 'method'],
  ['src/ncl/', 'apps'],
  ['src/check/', 'check'],
  ['src/web/', 'web'],
  ['src/cli/', 'cli'],
  ['src/index.ts', 'api'],
  ['bench/', 'bench'],
];

/** What each layer may import besides itself. Nothing lists cli. */
const ALLOWED: Record<string, readonly string[]> = {
  common: [],
  platform: [],
  runtime: ['platform'],
  storage: ['runtime'],
  kernels: ['storage', 'runtime'],
  autograd: ['kernels', 'storage'],
  nn: ['autograd', 'common', 'io'],
  optim: ['autograd', 'kernels', 'storage', 'io'],
  io: ['common'],
  data: ['io', 'common'],
  metrics: ['data', 'io', 'common'],
  device: ['runtime', 'platform'],
  ops: ['autograd', 'kernels', 'storage', 'common'],
  method: ['ops', 'nn', 'optim', 'autograd', 'common'],
  apps: ['method', 'ops', 'device', 'nn', 'optim', 'autograd', 'common', 'io', 'data', 'metrics'],
  check: ['api', 'device', 'method', 'ops', 'apps', 'nn', 'optim', 'autograd', 'kernels', 'storage', 'runtime', 'platform', 'common', 'io', 'data', 'metrics'],
  api: ['device', 'method', 'ops', 'apps', 'nn', 'optim', 'autograd', 'kernels', 'storage', 'runtime', 'platform'],
  web: ['bench', 'check', 'apps', 'method', 'runtime', 'platform', 'common', 'io', 'data'],
  bench: ['api', 'device', 'method', 'ops', 'apps', 'nn', 'optim', 'autograd', 'kernels', 'storage', 'runtime', 'platform', 'common', 'io', 'data', 'metrics'],
  cli: ['web', 'bench', 'check', 'api', 'device', 'method', 'ops', 'apps', 'nn', 'optim', 'autograd', 'kernels', 'storage', 'runtime', 'platform', 'common', 'io', 'data', 'metrics'],
};

/** package.json "imports": '#platform' is node.ts here and browser.ts in a browser bundle. */
const PLATFORMS = ['src/platform/node.ts', 'src/platform/browser.ts'];

function layerOf(file: string): string {
  const hit = LAYERS.find(([prefix]) => file.startsWith(prefix));
  if (!hit) throw new Error(`${file} belongs to no layer: add it to LAYERS in test/tree/layers.test.ts`);
  return hit[1];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports, dynamic imports and side-effect imports. */
function specifiersIn(text: string): string[] {
  const forms = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(forms)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Files a file imports, as root-relative paths. */
function importsOf(file: string): string[] {
  return specifiersIn(readFileSync(join(root, file), 'utf8')).flatMap((s) => {
    if (s === '#platform') return PLATFORMS;
    if (!s.startsWith('.')) return []; // packages and node built-ins
    return [relative(root, normalize(join(root, dirname(file), s)))];
  });
}

const files = [...sourceFiles('src'), ...sourceFiles('bench')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('every import goes in an allowed direction between layers', () => {
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOf(file);
    for (const target of imports) {
      if (!graph.has(target)) {
        wrong.push(`${file} imports ${target}, which is not a source file`);
        continue;
      }
      const to = layerOf(target);
      if (to !== from && !ALLOWED[from]!.includes(to)) wrong.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  assert.equal(wrong, []);
});

/** Every cycle a depth-first walk closes, as 'a → b → a'. */
function cyclesIn(g: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    state.set(file, 'open');
    for (const next of g.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...[...path, file].slice([...path, file].indexOf(next)), next].join(' → '));
      else if (!state.has(next) && g.has(next)) visit(next, [...path, file]);
    }
    state.set(file, 'done');
  };
  for (const file of g.keys()) if (!state.has(file)) visit(file, []);
  return cycles;
}

test('no import cycle between files', () => {
  assert.equal(cyclesIn(graph), []);
});

test('the checks see every kind of import, a cycle, and a wrong direction (fixtures)', () => {
  const text = "import { a } from './a.ts';\nexport { b } from '../b.ts';\nconst c = await import('./c.ts');\nimport './d.ts';\nimport type {\n  E,\n} from 'pkg';\nexport const SUFFIX = '.png';";
  assert.equal(specifiersIn(text), ['./a.ts', '../b.ts', './c.ts', './d.ts', 'pkg']);
  assert.equal(cyclesIn(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), ['a → b → c → a']);
  assert.not.ok(ALLOWED[layerOf('src/kernels/x.ts')]!.includes(layerOf('src/autograd/tensor.ts')));
  assert.not.ok(Object.values(ALLOWED).some((allowed) => allowed.includes('cli')));
});

test.run();
