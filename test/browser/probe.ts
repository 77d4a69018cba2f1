// The WGSL→SPIR-V fault behind the shader rule (test/wgsl-vars.test.ts): a `var` declared in a loop
// without an initializer must be zeroed on every iteration. Summing four ones into it four times
// gives 16 by the WGSL spec and 40 where it is zeroed once per invocation. Printed by the browser
// runner, not asserted: it describes the WebGPU implementation, not ncl.
const SHADER = (declaration: string) => `
@group(0) @binding(0) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(1) fn main() {
  var tot = 0.0;
  for (var it = 0u; it < 4u; it++) {
    ${declaration}
    for (var k = 0u; k < 4u; k++) { s[k] += 1.0; }
    tot += s[0] + s[1] + s[2] + s[3];
  }
  o[0] = tot;
}`;

async function run(device: GPUDevice, code: string): Promise<number> {
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const out = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }));
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, read, 0, 4);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const value = new Float32Array(read.getMappedRange())[0]!;
  read.unmap();
  for (const b of [out, read]) b.destroy();
  return value;
}

export async function loopVarProbe(device: GPUDevice): Promise<string> {
  const bare = await run(device, SHADER('var s: array<f32, 4>;'));
  const initialised = await run(device, SHADER('var s = array<f32, 4>();'));
  const verdict = bare === 16 ? 'zeroed on every iteration, as WGSL requires' : 'zeroed once per invocation (the fault the shader rule avoids)';
  return `loop-local var probe: ${bare} without an initializer, ${initialised} with one (16 expected): ${verdict}`;
}
