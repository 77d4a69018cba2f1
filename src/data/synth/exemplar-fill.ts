// Exemplar-based fill (object removal as patch-based inpainting does it): the region is filled with
// texture copied from elsewhere in the same image. It is filled tile by tile (8×8 tiles on a grid of
// random phase), outermost tiles first; each tile takes its pixels from the source window, among a
// few random ones lying wholly outside the region, whose pixels best match the known pixels around
// the tile (sum of squared differences over the tile and a 4-px margin). Filled tiles count as known
// for the tiles after them, so the fill grows inward from the region's edge.
import type { Mask, RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';

const TILE = 8;
const MARGIN = 4;
const WINDOW = TILE + 2 * MARGIN;
const CANDIDATES = 48;

/** Top-left corners of the WINDOW×WINDOW windows inside the image that hold no region pixel. */
function freeWindows(region: Mask): Int32Array {
  const { width: w, height: h, data } = region;
  // summed-area table: sat[(y)(w+1) + x] = region pixels in [0, x) × [0, y)
  const sat = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sat[(y + 1) * (w + 1) + x + 1] = data[y * w + x]! + sat[y * (w + 1) + x + 1]! + sat[(y + 1) * (w + 1) + x]! - sat[y * (w + 1) + x]!;
  const free: number[] = [];
  for (let y = 0; y + WINDOW <= h; y++) {
    for (let x = 0; x + WINDOW <= w; x++) {
      const inside = sat[(y + WINDOW) * (w + 1) + x + WINDOW]! - sat[y * (w + 1) + x + WINDOW]! - sat[(y + WINDOW) * (w + 1) + x]! + sat[y * (w + 1) + x]!;
      if (inside === 0) free.push(y * w + x);
    }
  }
  return Int32Array.from(free);
}

/** Distance (4-neighbour steps) of each region pixel from the nearest pixel outside it. */
function depthInRegion(region: Mask): Int32Array {
  const { width: w, data } = region;
  const depth = new Int32Array(data.length).fill(-1);
  let frontier: number[] = [];
  for (let p = 0; p < data.length; p++) if (!data[p]) (depth[p] = 0), frontier.push(p);
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const p of frontier) {
      const x = p % w;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
        if (q < 0 || q >= data.length || depth[q] !== -1) continue;
        depth[q] = depth[p]! + 1;
        next.push(q);
      }
    }
    frontier = next;
  }
  return depth;
}

/** `base` with `region` filled from the image's own texture, or null when no window lies outside the region. */
export function exemplarFill(base: RgbImage, region: Mask, rng: Rng): RgbImage | null {
  const { width: w, height: h } = base;
  const free = freeWindows(region);
  if (free.length === 0) return null;
  const data = base.data.slice();
  const known = Uint8Array.from(region.data, (v) => 1 - v);
  const depth = depthInRegion(region);
  const ox = rng.int(0, TILE - 1) - TILE;
  const oy = rng.int(0, TILE - 1) - TILE;
  const tiles: { x: number; y: number; depth: number }[] = [];
  for (let ty = oy; ty < h; ty += TILE) {
    for (let tx = ox; tx < w; tx += TILE) {
      let least = Infinity;
      for (let y = Math.max(0, ty); y < Math.min(h, ty + TILE); y++) for (let x = Math.max(0, tx); x < Math.min(w, tx + TILE); x++) if (region.data[y * w + x]) least = Math.min(least, depth[y * w + x]!);
      if (least < Infinity) tiles.push({ x: tx, y: ty, depth: least });
    }
  }
  tiles.sort((a, b) => a.depth - b.depth || a.y - b.y || a.x - b.x);
  for (const tile of tiles) {
    const wx = tile.x - MARGIN;
    const wy = tile.y - MARGIN;
    let best = { cost: Infinity, dx: 0, dy: 0 };
    for (let k = 0; k < CANDIDATES; k++) {
      const s = free[rng.int(0, free.length - 1)]!;
      const dx = (s % w) - wx;
      const dy = Math.floor(s / w) - wy;
      let cost = 0;
      for (let y = Math.max(0, wy); y < Math.min(h, wy + WINDOW); y++) {
        for (let x = Math.max(0, wx); x < Math.min(w, wx + WINDOW); x++) {
          const p = y * w + x;
          if (!known[p]) continue;
          const q = (y + dy) * w + x + dx;
          for (let c = 0; c < 3; c++) cost += (data[p * 3 + c]! - base.data[q * 3 + c]!) ** 2;
        }
      }
      if (cost < best.cost) best = { cost, dx, dy };
    }
    for (let y = Math.max(0, tile.y); y < Math.min(h, tile.y + TILE); y++) {
      for (let x = Math.max(0, tile.x); x < Math.min(w, tile.x + TILE); x++) {
        const p = y * w + x;
        if (known[p]) continue;
        const q = (y + best.dy) * w + x + best.dx;
        for (let c = 0; c < 3; c++) data[p * 3 + c] = base.data[q * 3 + c]!;
        known[p] = 1;
      }
    }
  }
  return { width: w, height: h, data };
}
