// The page of the browser test adapter: loads the kernel, op and NCL-op test files, tells the
// runner (run.ts) what it will run, runs every suite in order and posts each result.
import { runtime } from '../../src/runtime/context.ts';
import { initDevice } from '../../src/index.ts';
import { loopVarProbe } from './probe.ts';
import { startFile, suites } from './uvu.ts';

/** Test files that run in the browser: those of the engine core, with no Node built-ins. */
const FILES: Record<string, () => Promise<unknown>> = {
  'autograd.test.ts': () => import('../autograd.test.ts'),
  'batchnorm.test.ts': () => import('../batchnorm.test.ts'),
  'contrastive.test.ts': () => import('../contrastive.test.ts'),
  'conv.test.ts': () => import('../conv.test.ts'),
  'dropout.test.ts': () => import('../dropout.test.ts'),
  'elementwise.test.ts': () => import('../elementwise.test.ts'),
  'gather.test.ts': () => import('../gather.test.ts'),
  'loop-budget.test.ts': () => import('../loop-budget.test.ts'),
  'loss.test.ts': () => import('../loss.test.ts'),
  'matmul.test.ts': () => import('../matmul.test.ts'),
  'ncl-eval-mode.test.ts': () => import('../ncl-eval-mode.test.ts'),
  'ncl-model.test.ts': () => import('../ncl-model.test.ts'),
  'ncl-step.test.ts': () => import('../ncl-step.test.ts'),
  'nn-layers.test.ts': () => import('../nn-layers.test.ts'),
  'optim.test.ts': () => import('../optim.test.ts'),
  'patch.test.ts': () => import('../patch.test.ts'),
  'pool.test.ts': () => import('../pool.test.ts'),
  'queue.test.ts': () => import('../queue.test.ts'),
  'reduce.test.ts': () => import('../reduce.test.ts'),
  'selfcheck.test.ts': () => import('../selfcheck.test.ts'),
  'resize.test.ts': () => import('../resize.test.ts'),
  'shape.test.ts': () => import('../shape.test.ts'),
  'softmax.test.ts': () => import('../softmax.test.ts'),
  'storage.test.ts': () => import('../storage.test.ts'),
  'timing.test.ts': () => import('../timing.test.ts'),
  'tune.test.ts': () => import('../tune.test.ts'),
};

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
