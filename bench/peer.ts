// PyTorch as the peer of the benches: a python3 with torch runs bench/peer_torch.py on the same
// shapes (CUDA when present, else its CPU), and the benches print its rows and the ratios.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Report } from './harness.ts';
import type { PeerOptions, PeerRow, PeerWorkload } from './peers.ts';

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

/** The python3 the peer runs on, or null after a note saying why it is skipped. */
export function torchPeerPython(report: Report, options: PeerOptions): string | null {
  if (options.noTorch) {
    report.note('pytorch skipped: --no-torch');
    return null;
  }
  const found = findTorchPython();
  if (!found.python) report.note(`pytorch skipped: ${found.reason}`);
  return found.python ?? null;
}

/**
 * The peer's rows for `spec` (the bench's own workload), with a note naming its device; an empty
 * list after a note if it failed, which is reported, not fatal.
 */
export function runPeerScript(report: Report, python: string, workload: PeerWorkload, spec: unknown[], options: PeerOptions): PeerRow[] {
  const args = [PEER_SCRIPT, workload, JSON.stringify(spec), '--warmup', String(options.warmup), '--repeat', String(options.repeat)];
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) {
    report.note(`pytorch failed (${python}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return [];
  }
  const [header, ...rows] = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as PeerRow);
  report.note(`pytorch ${header!.torch} on ${header!.device} (${header!.threads} threads, ${header!.dtype})`);
  return rows;
}

/** The peer's rows for `spec`, or none (with a note) when it is skipped or fails. */
export function runTorchPeer(report: Report, workload: PeerWorkload, spec: unknown[], options: PeerOptions): PeerRow[] {
  const python = torchPeerPython(report, options);
  return python ? runPeerScript(report, python, workload, spec, options) : [];
}
