// A source photo of the synthetic set, decoded: its name (the file name without its extension, as
// meta.json records it) and its pixels. Portable: the Node generator reads the files with sharp
// (photos.ts), a browser page decodes the copies its site ships (src/web/page-synth.ts).
import type { RgbImage } from '../image.ts';

export interface Photo {
  name: string;
  image: RgbImage;
}

/** The photo name of a file name: everything before its last dot (path.parse's `name`). */
export function photoName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}
