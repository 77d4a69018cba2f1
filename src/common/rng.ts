// A small seeded pseudo-random generator: xoshiro128** (Blackman & Vigna, 2018) over four 32-bit
// words. Its whole state is four integers, so it can be saved in a checkpoint and restored exactly.

/** The serialisable state of an `Rng`: four unsigned 32-bit integers, not all zero. */
export type RngState = [number, number, number, number];

/** Mixes a 32-bit value into a well-spread one (the finaliser of MurmurHash3). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s: Uint32Array;

  private constructor(state: RngState) {
    if (state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error(`Rng state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    if (state.every((w) => w === 0)) throw new Error('Rng state must not be all zero');
    this.s = Uint32Array.from(state);
  }

  /**
   * A generator for `seed` and an optional path of stream numbers. Different paths give independent
   * streams, so e.g. image i of a generated set can use `Rng.fromSeed(seed, split, i)` and not depend
   * on how many numbers earlier images drew.
   */
  static fromSeed(seed: number, ...stream: number[]): Rng {
    let h = mix32((seed >>> 0) ^ 0x9e3779b9);
    for (const s of stream) h = mix32(h ^ mix32((s >>> 0) + 0x7f4a7c15));
    const state: RngState = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) {
      h = mix32(h + 0x9e3779b9); // a Weyl step, then mixing, gives four well-spread words
      state[i] = h;
    }
    if (state.every((w) => w === 0)) state[0] = 1;
    return new Rng(state);
  }

  static fromState(state: RngState): Rng {
    return new Rng(state);
  }

  getState(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  /** The next unsigned 32-bit integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both ends included). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal deviate (Box–Muller; one of the pair is discarded so the state stays four words). */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1], so the log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
