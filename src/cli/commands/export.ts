// `ncl export --pytorch OUT --checkpoint CK`: the checkpoint's network as a PyTorch state dict in
// safetensors (src/ncl/pytorch-export.ts). Needs no GPU: it only rewrites the file.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { writePytorchExport } from '../../ncl/pytorch-export.ts';
import { readCheckpoint } from '../../ncl/train/checkpoint.ts';

interface ExportOptions {
  pytorch: string;
  checkpoint: string;
  force?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a checkpoint\'s network as a PyTorch state dict (safetensors, DeepLabV3+ names; docs/training.md "Continue in PyTorch")')
    .requiredOption('--pytorch <file>', 'the .safetensors file to write')
    .requiredOption('--checkpoint <file>', 'a checkpoint written by ncl train or ncl demo')
    .option('--force', 'replace the output file if it exists')
    .action((o: ExportOptions) => {
      if (existsSync(o.pytorch) && !o.force) throw new Error(`${o.pytorch} exists; pass --force to replace it`);
      const checkpoint = readCheckpoint(o.checkpoint);
      const { tensors, metadata } = writePytorchExport(o.pytorch, checkpoint);
      const values = [...tensors.values()].reduce((n, t) => n + t.data.length, 0);
      process.stdout.write(
        `${o.pytorch}: ${tensors.size} tensors (${values.toLocaleString('en-US')} values) of the ${metadata['ncl.preset']} network after ${checkpoint.step} steps; heads ${JSON.parse(metadata['ncl.heads']!).join(', ') || 'none'}\n` +
          `load it with scripts/ncl_pytorch.py (load_ncl_export) or into any module with these names: load_state_dict(strict=True)\n`,
      );
    });
}
