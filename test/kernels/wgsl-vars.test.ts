// Shader rule: every function-scope `var` has an initializer. WGSL zeroes `var x: T;` each time the
// declaration executes, but the WGSL→SPIR-V path (Tint, on Vulkan and SwiftShader) zeroes it once
// per invocation, so an accumulator declared inside a loop kept the previous iteration's sums there.
// The check reads every shaders/*.wgsl and names file and line; the fixture (the contrastive
// forward kernel before the fix) shows that it catches the fault.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SHADERS = fileURLToPath(new URL('../../shaders/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/contrastive_forward_uninitialised.wgsl', import.meta.url));

/** `file:line: declaration` for each function-scope `var name: T;` without an initializer, marked
 *  "in a loop" where a loop body encloses it. */
function uninitialisedVars(file: string, text: string): string[] {
  const code = text.replace(/\/\/[^\n]*/g, (c) => ' '.repeat(c.length)); // keep offsets and lines
  const found: string[] = [];
  const opened: boolean[] = []; // per open brace: does it open a loop body?
  let loopPending = false;
  let line = 1;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '\n') line++;
    else if (ch === '{') {
      opened.push(loopPending);
      loopPending = false;
    } else if (ch === '}') opened.pop();
    else if (/[a-z]/.test(ch) && (i === 0 || !/\w/.test(code[i - 1]!))) {
      const word = /^\w+/.exec(code.slice(i))![0];
      if (word === 'for' || word === 'loop' || word === 'while') loopPending = true;
      const decl = word === 'var' && opened.length > 0 ? /^var\s+\w+\s*:[^;=]*;/.exec(code.slice(i)) : null;
      if (decl) found.push(`${file}:${line}: ${decl[0].replace(/\s+/g, ' ')}${opened.some(Boolean) ? ' (in a loop)' : ''}`);
      i += word.length - 1;
    }
  }
  return found;
}

test('every function-scope var in shaders/ has an initializer', () => {
  const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl'));
  assert.ok(files.length > 20, `read ${files.length} shaders`);
  const found = files.flatMap((f) => uninitialisedVars(f, readFileSync(join(SHADERS, f), 'utf8')));
  assert.equal(found, [], `declare them as \`var x = T();\`:\n${found.join('\n')}`);
});

test('the check finds the loop-local accumulator of the old contrastive kernel', () => {
  const found = uninitialisedVars('old.wgsl', readFileSync(FIXTURE, 'utf8'));
  assert.ok(found.includes('old.wgsl:50: var s: array<vec4<f32>, TM * TN4>; (in a loop)'), found.join('\n'));
  assert.ok(found.includes('old.wgsl:39: var row: array<u32, TM>;'), 'a function-scope array outside loops');
  assert.is(found.length, 7);
});

test('module-scope bindings, initialised vars and comments are not flagged', () => {
  const text = '@group(0) @binding(0) var<storage, read> z: array<f32>;\nvar<workgroup> tile: array<f32, 64>;\nfn f() {\n  // var x: f32;\n  var a = array<f32, 4>();\n  var b: f32 = 0.0;\n  for (var i = 0u; i < 4u; i++) { var c: f32; }\n}\n';
  assert.equal(uninitialisedVars('t.wgsl', text), ['t.wgsl:7: var c: f32; (in a loop)']);
});

test.run();
