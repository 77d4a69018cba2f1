// `ncl web`: builds the browser page (src/web/) into runs/web and serves it on 127.0.0.1 with the
// URL printed, until Ctrl-C; `ncl web --out DIR` writes the same files for any static host. The
// first build trains the small model the page offers for prediction (--model-steps; 0: none).
import type { Command } from 'commander';
import { buildSite } from '../../web/site.ts';
import { DEFAULT_MODEL_STEPS } from '../../web/site-model.ts';
import { serveFolder } from '../../web/serve.ts';
import { openDevice } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';

const DEFAULT_FOLDER = 'runs/web';

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('the browser page: check, bench and predict with ncl\'s engine on a browser\'s WebGPU adapter; built into runs/web and served on 127.0.0.1')
    .option('--out <dir>', 'write the page\'s files into this folder for any static host, and serve nothing')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', parseNumber('--port', true, 0), 8080)
    .option('--model-steps <n>', 'training steps of the built-in model the page offers (trained on this machine at the first build, kept while this number holds); 0: no built-in model', parseNumber('--model-steps', true, 0), DEFAULT_MODEL_STEPS)
    .action(async (o: { out?: string; port: number; modelSteps: number }) => {
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const files = await buildSite(o.out ?? DEFAULT_FOLDER, { modelSteps: o.modelSteps, log, openDevice });
      if (o.out) {
        process.stdout.write(`wrote ${files.length} files to ${o.out}: serve the folder from any static host (over https, or from localhost: browsers offer WebGPU to secure pages only)\n`);
        return;
      }
      const served = await serveFolder(DEFAULT_FOLDER, o.port);
      process.stdout.write(`ncl web: open ${served.url} in a browser with WebGPU (Ctrl-C stops the server)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      await served.close();
    });
}
