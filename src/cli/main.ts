// The `ncl` command line: each subcommand lives in src/cli/commands/ and registers itself here.
import { Command } from 'commander';
import { registerInfo } from './commands/info.ts';
import { registerBench } from './commands/bench.ts';
import { registerSelfcheck } from './commands/selfcheck.ts';
import { registerSynth } from './commands/synth.ts';
import { registerData } from './commands/data.ts';
import { registerTrain } from './commands/train.ts';
import { registerEval } from './commands/eval.ts';
import { registerPredict } from './commands/predict.ts';
import { registerDemo } from './commands/demo.ts';
import { registerAblate } from './commands/ablate.ts';
import { registerExport } from './commands/export.ts';
import { registerTune } from './commands/tune.ts';
import { registerWeb } from './commands/web.ts';
import { debugRequested, setDeviceOptions } from './device-options.ts';

const program = new Command();
program
  .name('ncl')
  .description('NCL image manipulation localization on WebGPU: train, evaluate, predict, benchmark')
  .option('--backend <name>', 'force a WebGPU backend: auto, vulkan, metal, d3d12, opengl (env NCL_BACKEND)')
  .option('--debug', 'check every kernel output for NaN/Inf and name the op that made it (env NCL_DEBUG=1)')
  .showHelpAfterError('(ncl <command> --help lists the options and their defaults)');

program.hook('preAction', (cmd) => setDeviceOptions(cmd.opts<{ backend?: string; debug?: boolean }>()));

registerInfo(program);
registerSelfcheck(program);
registerBench(program);
registerTune(program);
registerSynth(program);
registerData(program);
registerTrain(program);
registerEval(program);
registerPredict(program);
registerDemo(program);
registerAblate(program);
registerExport(program);
registerWeb(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`ncl: ${e instanceof Error ? e.message : String(e)}\n`);
  if (debugRequested() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
