// The page of test/web/synth-in-page.test.ts: bundled for the browser and served with the site's
// photos, it offers the test (through the DevTools protocol) the synthetic set made in the page
// (src/web/page-synth.ts) with its images and masks as base64 bytes, and JPEG files the browser
// encodes (src/web/browser-jpeg.ts) for comparing their tables with sharp's.
import { imageToBytes, type RgbImage } from '../../src/data/image.ts';
import { encodeJpegInBrowser } from '../../src/web/browser-jpeg.ts';
import { synthesiseInPage, type PageSynthOptions } from '../../src/web/page-synth.ts';

function base64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** A smooth colour gradient, width×height. */
function gradient(width: number, height: number): RgbImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const p = (y * width + x) * 3;
    data[p] = x / (width - 1);
    data[p + 1] = y / (height - 1);
    data[p + 2] = 0.5;
  }
  return { width, height, data };
}

const api = {
  async synthesise(options: PageSynthOptions) {
    const start = performance.now();
    const set = await synthesiseInPage(options);
    const samples = [...set.train, ...set.val, ...set.test];
    return {
      ms: performance.now() - start,
      photos: set.photos,
      records: set.records,
      names: samples.map((s) => s.name),
      images: samples.map((s) => base64(imageToBytes(s.image))),
      masks: samples.map((s) => base64(s.mask.data)),
    };
  },
  async jpegFiles(qualities: number[]) {
    const files: string[] = [];
    for (const q of qualities) files.push(base64(new Uint8Array(await (await encodeJpegInBrowser(gradient(32, 24), q)).arrayBuffer())));
    return files;
  },
};

(globalThis as { nclSynthTest?: typeof api }).nclSynthTest = api;
