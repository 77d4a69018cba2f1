// IMDL-BenCo's ManiDataset layout: DIR/Tp holds the images, DIR/Gt the masks. A mask belongs to
// the image whose stem it carries: `x.png` for `x.jpg`, or `x_gt.*`, `x_mask.*`, in any image
// format. An image with no such mask gets the mask path `Gt/<stem>.png`, which does not exist, so
// every check and load names it as missing; a mask that fits no image is a warning. Only where no
// name corresponds at all are the folders paired by sorted order (ManiDataset's own rule), and the
// listing says so.
import { readdir } from 'node:fs/promises';
import { extname, join, parse } from 'node:path';
import { IMAGE_EXTENSIONS, type DatasetListing, type Sample } from './sample.ts';

async function listImages(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
}

/** The image stem a mask file names, most specific reading first: x_gt → x, x_mask → x, x → x. */
function stemsOf(maskName: string): string[] {
  const stem = parse(maskName).name;
  const suffix = /_(gt|mask)$/.exec(stem);
  return suffix ? [stem.slice(0, -suffix[0].length), stem] : [stem];
}

export async function readTpGt(root: string): Promise<DatasetListing> {
  const tpDir = join(root, 'Tp');
  const gtDir = join(root, 'Gt');
  const images = await listImages(tpDir);
  const masks = await listImages(gtDir);
  if (images.length === 0) throw new Error(`no images found in ${tpDir} (extensions ${IMAGE_EXTENSIONS.join(' ')})`);
  const byStem = new Map<string, string>();
  for (const mask of masks) for (const stem of stemsOf(mask)) if (!byStem.has(stem)) byStem.set(stem, mask);
  const named = images.map((image) => byStem.get(parse(image).name));
  const warnings: string[] = [];
  let samples: Sample[];
  if (named.every((m) => m === undefined)) {
    if (images.length !== masks.length) {
      throw new Error(`no file names correspond between ${tpDir} (${images.length} images) and ${gtDir} (${masks.length} masks), and their counts differ, so they cannot be paired by sorted order either`);
    }
    warnings.push(`no file names correspond between ${tpDir} and ${gtDir}: paired by sorted order (ManiDataset's rule); check that the pairs are right`);
    samples = images.map((image, i) => ({ imagePath: join(tpDir, image), maskPath: join(gtDir, masks[i]!), label: null }));
  } else {
    samples = images.map((image, i) => {
      const stem = parse(image).name;
      if (named[i] === undefined) warnings.push(`${join(tpDir, image)} has no mask in ${gtDir} (looked for ${stem}, ${stem}_gt and ${stem}_mask in any image format)`);
      return { imagePath: join(tpDir, image), maskPath: join(gtDir, named[i] ?? `${stem}.png`), label: null };
    });
    const used = new Set(named);
    for (const mask of masks) if (!used.has(mask)) warnings.push(`${join(gtDir, mask)} fits no image in ${tpDir}`);
  }
  return { layout: 'tp-gt', source: root, samples, warnings };
}
