// browser: yes
// SHA-256 in plain TypeScript against the FIPS 180-4 examples, on every adapter's platform (the
// comparison with node:crypto over many lengths: sha256-node.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sha256, sha256Hex } from '../../src/common/sha256.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

test('the FIPS 180-4 examples: "abc", the 448-bit message, the empty message', () => {
  assert.is(sha256Hex([ascii('abc')]), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(sha256Hex([ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')]), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.is(sha256Hex([]), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('one million times "a", fed in uneven chunks', () => {
  const hash = new Sha256();
  const a = new Uint8Array(1_000_000).fill(0x61);
  for (let i = 0, size = 1; i < a.length; i += size, size = (size * 7 + 3) % 1000) hash.update(a.subarray(i, Math.min(a.length, i + size)));
  assert.is(hash.hex(), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  assert.throws(() => hash.hex(), /update after hex\(\)/, 'a second digest would hash the padding again');
  assert.throws(() => hash.update(ascii('a')), /update after hex\(\)/);
});

test.run();
