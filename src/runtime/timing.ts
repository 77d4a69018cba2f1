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

/** The two timestamps of a pass, the buffer they are resolved into and the one read back: made
 *  once per device, so timing creates nothing after its first call. */
interface Timestamps {
  set: GPUQuerySet;
  resolved: GPUBuffer;
  staging: GPUBuffer;
}

const perDevice = new WeakMap<GPUDevice, Timestamps>();

function timestamps(device: GPUDevice): Timestamps {
  let t = perDevice.get(device);
  if (!t) {
    t = {
      set: device.createQuerySet({ type: 'timestamp', count: 2 }),
      resolved: device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      staging: device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    };
    perDevice.set(device, t);
  }
  return t;
}

/** Runs `record` (which records dispatches) in a submit of its own and waits for it. */
export async function timeAlone(rt: Runtime, record: () => void): Promise<Timed> {
  await rt.sync();
  const t = rt.device.features.has('timestamp-query') ? timestamps(rt.device) : null;
  const submitsBefore = rt.submits;
  const t0 = performance.now();
  record();
  // The pass spans all the work only if `record` submitted none of it early (a read-back, more
  // dispatches than one submit holds) and this flush submits it.
  const alone = t !== null && rt.submits === submitsBefore;
  rt.flush(alone ? { querySet: t.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined);
  await rt.device.queue.onSubmittedWorkDone();
  const hostMs = performance.now() - t0;
  await rt.checkErrors();
  if (!alone || rt.submits !== submitsBefore + 1) return { hostMs, gpuMs: null };
  const encoder = rt.device.createCommandEncoder();
  encoder.resolveQuerySet(t.set, 0, 2, t.resolved, 0);
  encoder.copyBufferToBuffer(t.resolved, 0, t.staging, 0, 16);
  rt.device.queue.submit([encoder.finish()]);
  await t.staging.mapAsync(GPUMapMode.READ);
  let times: BigUint64Array;
  try {
    times = new BigUint64Array(t.staging.getMappedRange().slice(0));
  } finally {
    t.staging.unmap(); // shared by every call: never left mapped
  }
  const [begin, end] = [times[0]!, times[1]!];
  // Nanoseconds; an implementation may report end < begin when the counter is reset: no GPU time.
  return { hostMs, gpuMs: end >= begin ? Number(end - begin) / 1e6 : null };
}
