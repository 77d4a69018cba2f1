// The browser test adapter: the engine's kernel, op and NCL-op tests (the files marked for the
// browser, suite.ts; entry.ts runs them) in headless Chromium on SwiftShader — WebGPU through the
// WGSL→SPIR-V path, on the CPU — each result printed as the page posts it
// (src/platform/chromium.ts). Tests the page planned but never reported (a crash, a time-out) count
// as failed. Without a browser it prints why and exits 0, except under CI, where that is a failure.
//   node --import tsx test/browser/run.ts [PATTERN]   (npm test runs it after the Node suite)
// PATTERN, a regular expression, keeps the test files whose paths from test/ match (e.g.
// contrastive, or kernels/).
import { abortOnStopSignals, findChromium, runInChromium } from '../../src/platform/chromium.ts';
import { suiteBundle } from './suite.ts';

interface Planned {
  file: string;
  name: string;
}

async function main(): Promise<number> {
  const chromium = findChromium();
  if (!chromium) {
    console.log('browser adapter: not run (no chromium on the PATH; Debian: apt-get install chromium, or set CHROMIUM)');
    return process.env.CI ? 1 : 0;
  }
  let planned: Planned[] = [];
  let skipped = 0;
  const done = new Map<string, boolean>();
  const failures: string[] = [];
  const durations: Array<{ ms: number; test: string }> = [];
  let currentFile = '';
  let fileStarted = 0;
  // Each file's line ends with the seconds from its first result to the next file's first.
  const endFile = () => currentFile && process.stdout.write(` ${((performance.now() - fileStarted) / 1000).toFixed(1)} s\n`);
  const stop = abortOnStopSignals();
  const why = await runInChromium(chromium, {
    signal: stop.signal,
    ...suiteBundle(),
    query: process.argv[2] ? { files: process.argv[2] } : {},
    totalTimeoutMs: 30 * 60_000,
    idleTimeoutMs: 5 * 60_000,
    onEvent(event) {
      switch (event.type) {
        case 'adapter':
          console.log(`browser adapter: ${String(event.description)} (${String(event.webgpu)}; profile ${String(event.profile)}, loop cap ${String(event.loopIterationCap ?? 'none')}, subgroups ${event.subgroups ? 'yes' : 'no'})`);
          break;
        case 'plan':
          planned = event.tests as Planned[];
          skipped = event.skipped as number;
          break;
        case 'note':
          console.log(String(event.text));
          break;
        case 'result': {
          const file = String(event.file);
          if (file !== currentFile) {
            endFile();
            process.stdout.write(`${file} (browser)\n`);
            currentFile = file;
            fileStarted = performance.now();
          }
          done.set(`${file}\u0000${String(event.name)}`, event.ok === true);
          durations.push({ ms: Number(event.ms), test: `${file} "${String(event.name)}"` });
          process.stdout.write(event.ok ? '• ' : '✘ ');
          if (!event.ok) failures.push(`   FAIL  ${file} "${String(event.name)}"\n    ${String(event.error).replace(/\n/g, '\n    ')}`);
          break;
        }
      }
    },
  }).finally(stop.dispose);
  endFile();
  const passed = [...done.values()].filter(Boolean).length;
  const neverRan = planned.filter((t) => !done.has(`${t.file}\u0000${t.name}`));
  if (why) console.log(`\nbrowser adapter: ${why}`);
  if (neverRan.length) failures.push(`   FAIL  ${neverRan.length} test(s) never ran, from ${neverRan[0]!.file} "${neverRan[0]!.name}" on`);
  // A page that never planned anything counts as one failure.
  const total = Math.max(planned.length, done.size, why ? 1 : 0);
  for (const f of failures) console.log(`\n${f}`);
  const slowest = durations.sort((a, b) => b.ms - a.ms).slice(0, 5);
  if (slowest.length) console.log(`\n  Slowest:\n${slowest.map((d) => `    ${(d.ms / 1000).toFixed(1)} s  ${d.test}`).join('\n')}`);
  console.log(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}`);
  console.log(`browser adapter: ${passed} passed, ${total - passed} failed`);
  return passed === total ? 0 : 1;
}

process.exitCode = await main();
