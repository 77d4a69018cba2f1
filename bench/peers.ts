// The peers a bench times next to ncl, as the bench sees them: PyTorch through a python3 (peer.ts)
// and tfjs-backend-webgpu on ncl's adapter (tfjs.ts). Both need Node; the command line hands them
// to a bench in its options, and a bench run elsewhere (the browser page) has none and says so.
import type { BenchOptions, Report } from './harness.ts';

// The tfjs namespace, typed loosely so that ncl builds without the dev dependency.
export type Tf = any;

export type PeerRow = Record<string, string | number | null | Record<string, number | null>>;
export type PeerWorkload = 'matmul' | 'conv' | 'contrastive' | 'train';

export interface PeerOptions extends BenchOptions {
  /** --no-torch: skip the PyTorch peer. */
  noTorch?: boolean;
  /** The peers this bench can run (none where it is not given). */
  peers?: BenchPeers;
}

export interface BenchPeers {
  /** PyTorch's rows for the bench's workload `spec`, or none (with a note) when skipped or failed. */
  torch(report: Report, workload: PeerWorkload, spec: unknown[], options: PeerOptions): PeerRow[];
  /** tfjs-backend-webgpu started on ncl's adapter, or why not. */
  tfjs(): Promise<{ tf: Tf; version: string } | { skipped: string }>;
}

/** PyTorch's rows, or none with a note where the bench has no such peer. */
export function torchRows(report: Report, workload: PeerWorkload, spec: unknown[], options: PeerOptions): PeerRow[] {
  if (options.peers) return options.peers.torch(report, workload, spec, options);
  report.note('pytorch skipped: it runs from the command line only');
  return [];
}

/** tfjs, or why it is skipped (--no-tfjs, or no such peer here). */
export function startTfjs(options: PeerOptions & { noTfjs?: boolean }): Promise<{ tf: Tf; version: string } | { skipped: string }> {
  if (options.noTfjs) return Promise.resolve({ skipped: '--no-tfjs' });
  return options.peers ? options.peers.tfjs() : Promise.resolve({ skipped: 'it runs from the command line only' });
}

/** Waits until tfjs's queued GPU work has finished. */
export async function tfjsDone(tf: Tf): Promise<void> {
  const backend = tf.backend();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}
