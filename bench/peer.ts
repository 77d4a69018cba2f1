// PyTorch as the peer of the benches: a python3 with torch runs bench/peer_torch.py on the same
// shapes (CUDA when present, else its CPU), and the benches print its rows and the ratios.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, Report } from './harness.ts';

const PEER_SCRIPT = fileURLToPath(new URL('./peer_torch.py', import.meta.url));

/** A python3 that imports torch (NCL_PYTHON, python3 on the PATH, Debian's), or why there is none. */
export function findTorchPython(): { python?: string; reason: string } {
  const candidates = [process.env.NCL_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python, reason: '' };
  }
  return { reason: `no python3 with torch among ${candidates.join(', ')} (Debian: apt-get install python3-torch)` };
}

export type PeerRow = Record<string, string | number | null>;

export interface PeerOptions extends BenchOptions {
  /** --no-torch: skip the peer. */
  noTorch?: boolean;
}

/**
 * The peer's rows for `spec` (the bench's own shapes), with a note naming its device; or an empty
 * list and a note saying why it did not run. A peer that fails is reported, not fatal.
 */
export function runTorchPeer(report: Report, workload: 'matmul' | 'conv' | 'contrastive', spec: unknown[], options: PeerOptions): PeerRow[] {
  if (options.noTorch) {
    report.note('pytorch skipped: --no-torch');
    return [];
  }
  const found = findTorchPython();
  if (!found.python) {
    report.note(`pytorch skipped: ${found.reason}`);
    return [];
  }
  const args = [PEER_SCRIPT, workload, JSON.stringify(spec), '--warmup', String(options.warmup), '--repeat', String(options.repeat)];
  const r = spawnSync(found.python, args, { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) {
    report.note(`pytorch failed (${found.python}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return [];
  }
  const [header, ...rows] = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as PeerRow);
  report.note(`pytorch ${header!.torch} on ${header!.device} (${header!.threads} threads, ${header!.dtype})`);
  return rows;
}
