// IMDL-BenCo's ManiDataset layout: DIR/Tp holds the images, DIR/Gt the masks. Files are paired by
// sorted order (as ManiDataset does); the pairing is then checked by name, where a mask is expected
// to be called like its image, or with `_gt` / `_mask` after the stem, in any image format.
import { readdir } from 'node:fs/promises';
import { extname, join, parse } from 'node:path';
import { IMAGE_EXTENSIONS, type DatasetListing } from './sample.ts';

async function listImages(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
}

function namesCorrespond(imageName: string, maskName: string): boolean {
  const image = parse(imageName).name;
  const mask = parse(maskName).name;
  return mask === image || mask === `${image}_gt` || mask === `${image}_mask`;
}

export async function readTpGt(root: string): Promise<DatasetListing> {
  const tpDir = join(root, 'Tp');
  const gtDir = join(root, 'Gt');
  const images = await listImages(tpDir);
  const masks = await listImages(gtDir);
  if (images.length !== masks.length) {
    throw new Error(`${tpDir} has ${images.length} images but ${gtDir} has ${masks.length} masks; they pair by sorted order, so the counts must match`);
  }
  if (images.length === 0) throw new Error(`no images found in ${tpDir} (extensions ${IMAGE_EXTENSIONS.join(' ')})`);
  const warnings: string[] = [];
  const samples = images.map((name, i) => {
    const maskName = masks[i]!;
    if (!namesCorrespond(name, maskName)) {
      warnings.push(`name mismatch: ${join(tpDir, name)} is paired with ${join(gtDir, maskName)} by sorted order`);
    }
    return { imagePath: join(tpDir, name), maskPath: join(gtDir, maskName), label: null };
  });
  return { layout: 'tp-gt', source: root, samples, warnings };
}
