// `ncl selfcheck [--json] [--browser]`: every kernel family against float64 CPU arithmetic on this
// adapter (src/check/selfcheck.ts), or with --browser in headless Chromium on SwiftShader. Exit 1
// names the failing kernels.
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { adapterSummary, checkOutcome, failedChecks, runSelfcheck, type AdapterSummary, type CheckResult } from '../../check/selfcheck.ts';
import { abortOnStopSignals, findChromium, runInChromium } from '../../platform/chromium.ts';
import { openDevice } from '../device-options.ts';

function line(r: CheckResult): string {
  return `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.family.padEnd(26)} ${r.check.padEnd(62)} ${checkOutcome(r)}  ${r.ms.toFixed(0)} ms`;
}

export function registerSelfcheck(program: Command): void {
  program
    .command('selfcheck')
    .description('every kernel family against float64 CPU arithmetic on this adapter (matmul, conv, batch norm, resize, pooling, losses, reductions, softmax, dropout, gather, optimisers, patch pooling, fused contrastive)')
    .option('--json', 'one JSON object: the adapter, every check with its error and tolerance')
    .option('--browser', 'run it in headless Chromium on SwiftShader (the WGSL→SPIR-V path) instead')
    .action(async (o: { json?: boolean; browser?: boolean }) => {
      const start = performance.now();
      const results: CheckResult[] = [];
      let adapter: AdapterSummary | null = null;
      const show = (a: AdapterSummary) => {
        adapter = a;
        if (!o.json) console.log(`selfcheck on ${a.adapter} (${a.backend}${a.fallback ? ', CPU' : ''}; profile ${a.profile}; WebGPU ${a.webgpu}; subgroups ${a.subgroups ? 'yes: their variants are checked' : 'no: their variants are not checked'})`);
      };
      const onResult = (r: CheckResult) => {
        results.push(r);
        if (!o.json) console.log(line(r));
      };
      if (o.browser) {
        const chromium = findChromium();
        if (!chromium) throw new Error('--browser needs Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM');
        const stop = abortOnStopSignals();
        const why = await runInChromium(chromium, {
          signal: stop.signal,
          entry: fileURLToPath(new URL('../../check/selfcheck-page.ts', import.meta.url)),
          totalTimeoutMs: 10 * 60_000,
          idleTimeoutMs: 3 * 60_000,
          onEvent(event) {
            const { type, ...body } = event;
            if (type === 'adapter') show(body as unknown as AdapterSummary);
            // JSON has no Infinity: a non-finite error arrives as null.
            if (type === 'result') onResult({ ...(body as unknown as CheckResult), maxAbsError: (body.maxAbsError as number | null) ?? Infinity });
          },
        }).finally(stop.dispose);
        if (why) throw new Error(`the browser run ended early: ${why}`);
      } else {
        show(adapterSummary(await openDevice()));
        await runSelfcheck(onResult);
      }
      const failed = results.filter((r) => !r.ok);
      const seconds = (performance.now() - start) / 1000;
      if (o.json) {
        console.log(JSON.stringify({ ...(adapter ?? {}), seconds, passed: results.length - failed.length, failed: failed.length, checks: results.map((r) => ({ ...r, maxAbsError: Number.isFinite(r.maxAbsError) ? r.maxAbsError : null })) }, null, 2));
      } else {
        console.log(failed.length ? `${failed.length} of ${results.length} checks failed` : `all ${results.length} checks passed in ${seconds.toFixed(1)} s`);
      }
      if (failed.length) {
        process.stderr.write(`ncl selfcheck: failed: ${failedChecks(results).join('; ')}\n`);
        process.exitCode = 1;
      }
    });
}
