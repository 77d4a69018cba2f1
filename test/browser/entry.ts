// The page of the browser test adapter: loads the test files marked for the browser (suite.ts),
// tells the runner (run.ts) what it will run, runs every suite in order and posts each result.
import FILES from 'ncl:browser-tests';
import { runtime } from '../../src/runtime/context.ts';
import { initDevice } from '../../src/index.ts';
import { loopVarProbe } from './probe.ts';
import { startFile, suites } from './uvu.ts';

const post = (event: Record<string, unknown>) => fetch('/event', { method: 'POST', body: JSON.stringify(event) });

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const details = (e as { details?: unknown }).details;
  return typeof details === 'string' ? `${e.message}\n${details}` : e.message;
}

async function main(): Promise<void> {
  // Poisoned buffers, as in the Node suite (NCL_POISON=1).
  const rt = await initDevice({ poisonBuffers: true });
  await post({ type: 'adapter', description: rt.adapter.description, profile: rt.profile, loopIterationCap: rt.adapter.loopIterationCap, subgroups: rt.adapter.subgroups, webgpu: rt.adapter.webgpuVersion });
  // run.ts passes its file pattern, if any, as ?files=…
  const pattern = new RegExp(new URLSearchParams(location.search).get('files') ?? '');
  for (const [file, load] of Object.entries(FILES).filter(([f]) => pattern.test(f))) {
    startFile(file);
    await load();
  }
  await post({ type: 'plan', tests: suites.flatMap((s) => s.tests.map((t) => ({ file: s.file, name: t.name }))), skipped: suites.reduce((n, s) => n + s.skipped.length, 0) });
  await post({ type: 'note', text: await loopVarProbe(runtime().device) });
  for (const suite of suites) {
    let setupError: string | null = null;
    for (const hook of suite.before) {
      try {
        await hook();
      } catch (e) {
        setupError ??= `test.before failed: ${describe(e)}`;
      }
    }
    for (const t of suite.tests) {
      const start = performance.now();
      let error = setupError;
      if (!error) {
        try {
          await t.body();
        } catch (e) {
          error = describe(e);
        }
      }
      await post({ type: 'result', file: suite.file, name: t.name, ok: error === null, error, ms: performance.now() - start });
    }
    for (const hook of suite.after) await hook();
  }
  await post({ type: 'done' });
}

main().catch((e) => post({ type: 'crash', error: describe(e) }));
