// Packing uniform parameter structs. WGSL's uniform layout: u32/f32 take 4 bytes, a vec4 or an
// array of vec4 starts at a multiple of 16 bytes.
export class UniformWriter {
  private readonly words: number[] = [];
  private readonly kinds: Array<'u32' | 'f32'> = [];

  u32(...values: number[]): this {
    for (const v of values) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`uniform u32 out of range: ${v}`);
      this.words.push(v);
      this.kinds.push('u32');
    }
    return this;
  }

  /** Signed integers, stored as their two's-complement bits (an i32 field in WGSL). */
  i32(...values: number[]): this {
    for (const v of values) {
      if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new Error(`uniform i32 out of range: ${v}`);
    }
    return this.u32(...values.map((v) => v >>> 0));
  }

  f32(...values: number[]): this {
    for (const v of values) {
      this.words.push(v);
      this.kinds.push('f32');
    }
    return this;
  }

  /** Pads to a 16-byte boundary, then writes `values` as u32 vec4s (zero-filled to `slots`). */
  u32Vec4Array(values: readonly number[], slots: number): this {
    while (this.words.length % 4 !== 0) this.u32(0);
    if (values.length > slots) throw new Error(`at most ${slots} values fit, got ${values.length}`);
    this.u32(...values, ...new Array<number>(slots - values.length).fill(0));
    return this;
  }

  finish(): ArrayBuffer {
    while (this.words.length % 4 !== 0) this.u32(0);
    const buf = new ArrayBuffer(this.words.length * 4);
    const u = new Uint32Array(buf);
    const f = new Float32Array(buf);
    this.words.forEach((v, i) => {
      if (this.kinds[i] === 'f32') f[i] = v;
      else u[i] = v;
    });
    return buf;
  }
}

export function uniforms(): UniformWriter {
  return new UniformWriter();
}
