// SHA-256 in plain TypeScript (what a browser hashes checkpoints with) against node:crypto (OpenSSL,
// what Node's files use: safetensors-file.ts) on messages of every length around the block and
// padding boundaries and one of 1 MiB, whole and in chunks.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../../src/common/sha256.ts';
import { nodeSha256Hex } from '../../src/io/safetensors-file.ts';

test('every length from 0 to 200 bytes and a 1 MiB message agree with node:crypto, whole and in chunks', () => {
  const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24);
  for (const length of [...Array.from({ length: 201 }, (_, i) => i), 1 << 20]) {
    const message = bytes.subarray(0, length);
    const expected = createHash('sha256').update(message).digest('hex');
    assert.is(sha256Hex([message]), expected, `length ${length}`);
    const cut = Math.floor(length / 3);
    const chunks = [message.subarray(0, cut), message.subarray(cut, 2 * cut), message.subarray(2 * cut)];
    assert.is(sha256Hex(chunks), expected, `length ${length} in three chunks`);
    assert.is(nodeSha256Hex(chunks), expected, `length ${length} in three chunks, through the files' digest`);
  }
});

test.run();
