// Timing recorded work alone: the host's wall clock from recording to completion, and, where the
// device has 'timestamp-query', the GPU's own time between the start and the end of the compute
// pass that holds it. The tuner (tuner.ts) and the kernel benches (bench/harness.ts) prefer the
// GPU's time and report both.
import type { Runtime } from './runtime.ts';

export interface Timed {
  hostMs: number;
  /** null where the adapter has no timestamp queries (Dawn's OpenGL backend on llvmpipe). */
  gpuMs: number | null;
}

const querySets = new WeakMap<GPUDevice, GPUQuerySet>();

function querySet(device: GPUDevice): GPUQuerySet {
  let set = querySets.get(device);
  if (!set) {
    set = device.createQuerySet({ type: 'timestamp', count: 2 });
    querySets.set(device, set);
  }
  return set;
}

/** Runs `record` (which records dispatches) in a submit of its own and waits for it. */
export async function timeAlone(rt: Runtime, record: () => void): Promise<Timed> {
  await rt.sync();
  const timestamps = rt.device.features.has('timestamp-query');
  const set = timestamps ? querySet(rt.device) : null;
  const submitsBefore = rt.submits;
  const t0 = performance.now();
  record();
  // The pass spans all the work only if `record` submitted none of it early (a read-back, more
  // dispatches than one submit holds) and this flush submits it.
  const alone = set !== null && rt.submits === submitsBefore;
  rt.flush(alone ? { querySet: set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined);
  await rt.device.queue.onSubmittedWorkDone();
  const hostMs = performance.now() - t0;
  await rt.checkErrors();
  if (!alone || rt.submits !== submitsBefore + 1) return { hostMs, gpuMs: null };
  const resolved = rt.device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const staging = rt.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = rt.device.createCommandEncoder();
  encoder.resolveQuerySet(set, 0, 2, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, staging, 0, 16);
  rt.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const [begin, end] = new BigUint64Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  resolved.destroy();
  // Nanoseconds; an implementation may report end < begin when the counter is reset: no GPU time.
  return { hostMs, gpuMs: end! >= begin! ? Number(end! - begin!) / 1e6 : null };
}
