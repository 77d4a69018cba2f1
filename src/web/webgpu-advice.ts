// Why a browser gives the page no WebGPU device, and what to try, for each way it can fail.

export interface WebGpuProblem {
  /** What is missing, in one sentence. */
  summary: string;
  /** What to try, most likely first. */
  advice: string[];
}

/** The problem a page meets before it asks for an adapter, or null when WebGPU may be there. */
export function missingWebGpu(secureContext: boolean, hasGpu: boolean): WebGpuProblem | null {
  if (!secureContext) {
    return {
      summary: 'This page is not a secure context, and browsers offer WebGPU only to secure pages.',
      advice: ['Open it from http://127.0.0.1 or http://localhost (as ncl web serves it), or over https.', 'A plain-http address of another machine is not secure: serve the folder over https, or run ncl web on the machine with the browser.'],
    };
  }
  if (!hasGpu) {
    return {
      summary: 'This browser does not offer WebGPU (navigator.gpu is missing).',
      advice: [
        'WebGPU is on by default in Chrome and Edge 113 or later on Windows, macOS and ChromeOS, in Chrome 121 or later on Android 12 or later, in Safari 26 or later and in Firefox 141 or later on Windows: update the browser.',
        'Chrome on Linux may need chrome://flags/#enable-unsafe-webgpu (and Vulkan: chrome://flags/#enable-vulkan).',
        'Firefox elsewhere: set dom.webgpu.enabled to true in about:config.',
      ],
    };
  }
  return null;
}

/** The problem when the browser has WebGPU but gave no adapter or device (`reason`: its error). */
export function noAdapter(reason: string): WebGpuProblem {
  return {
    summary: `The browser has WebGPU but gave ncl no device: ${reason}`,
    advice: [
      'The GPU or its driver may be blocklisted, or hardware acceleration turned off: chrome://gpu shows why in Chrome and Edge; turn hardware acceleration on in the browser settings and update the GPU driver.',
      'Chrome and Edge: chrome://flags/#enable-unsafe-webgpu lifts the blocklist (at your own risk).',
      'Headless Chromium gets a CPU adapter with --enable-unsafe-swiftshader --use-webgpu-adapter=swiftshader.',
    ],
  };
}
