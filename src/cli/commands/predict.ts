// `ncl predict`: for each input image, <stem>.prob.png (p(tampered) as 8-bit grey), <stem>.mask.png
// (p > 0.5) and <stem>.overlay.png (the mask in red over the image), at the image's own size; names
// as src/data/prediction-names.ts gives them, which `ncl data score --predictions` reads. An
// unreadable input is skipped and listed, and the command then exits with 1.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { readImage, writeGreyPng, writeImagePng, writeMaskPng } from '../../data/image-io.ts';
import { PROBABILITY_SUFFIX, predictionStems } from '../../data/prediction-names.ts';
import { IMAGE_EXTENSIONS } from '../../data/readers/sample.ts';
import { parseScale, predictProbability } from '../../ncl/inference.ts';
import { binaryMask, overlay, predictionSummary } from '../../ncl/prediction-images.ts';
import { loadNetwork } from '../../ncl/train/checkpoint.ts';
import { openDevice } from '../device-options.ts';
import { createFolder } from '../../io/folders.ts';

/** Image files named directly, and the image files inside named folders (sorted). */
async function listInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      throw new Error(`input not found: ${input}`);
    }
    if (!info.isDirectory()) {
      files.push(input);
      continue;
    }
    const names = (await readdir(input)).filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
    if (names.length === 0) throw new Error(`no images in ${input} (extensions ${IMAGE_EXTENSIONS.join(' ')})`);
    for (const n of names) files.push(join(input, n));
  }
  return files;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('probability map, binary mask and overlay PNGs for images, at each image\'s size')
    .requiredOption('--checkpoint <file>', 'a checkpoint written by ncl train or ncl demo')
    .requiredOption('--input <paths...>', 'image files and/or folders of images')
    .requiredOption('--out <dir>', 'output folder')
    .option('--scale <how>', "input: every image resized to the model's input size; native: each image at its own pixels (tiled above 1024 px); or a factor such as 0.5", 'input')
    .action(async (o: { checkpoint: string; input: string[]; out: string; scale: string }) => {
      const scale = parseScale(o.scale);
      const files = await listInputs(o.input);
      const stems = predictionStems(files);
      await openDevice();
      const { net } = loadNetwork(o.checkpoint);
      createFolder(o.out);
      const unreadable: string[] = [];
      for (const [i, file] of files.entries()) {
        let image;
        try {
          image = await readImage(file);
        } catch (e) {
          unreadable.push(`${file}: ${(e as Error).message}`);
          continue;
        }
        const p = await predictProbability(net, image, undefined, scale);
        const mask = binaryMask(p);
        const stem = join(o.out, stems[i]!);
        try {
          await writeGreyPng(`${stem}${PROBABILITY_SUFFIX}`, p);
          await writeMaskPng(`${stem}.mask.png`, mask);
          await writeImagePng(`${stem}.overlay.png`, overlay(image, mask));
        } catch (e) {
          // Each file is written whole or not at all (atomic writes); what failed once fails for the next input too.
          throw new Error(`${(e as Error).message}\nthe predictions of ${i} of the ${files.length} inputs are complete in ${o.out}; ${file} and the ${files.length - i - 1} after it were not written`);
        }
        process.stdout.write(`${file}: ${predictionSummary(p, mask)}\n`);
      }
      if (unreadable.length > 0) {
        process.stderr.write(`skipped ${unreadable.length} unreadable input(s):\n${unreadable.map((u) => `  ${u}`).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
