// The stems of one prediction's outputs (unique-stems.ts, shared by ncl predict and the page): a
// file name cut as node:path cuts it, inputs sharing a stem keep their extension, inputs sharing a
// file name are an error naming them.
import { basename, extname } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileStem, uniqueStems } from '../../src/data/unique-stems.ts';

test('a file name loses what node:path calls its extension', () => {
  for (const name of ['a.png', 'a.b.jpg', 'noext', '.hidden', '.hidden.png', 'a.', 'a..png', 'IMG_01.JPEG']) {
    assert.is(fileStem(name), basename(name, extname(name)), name);
  }
});

test('inputs sharing a stem keep their extensions; the others lose theirs', () => {
  const inputs = ['a.png', 'a.jpg', 'b.png'].map((name) => ({ name, label: `dir/${name}` }));
  assert.equal(uniqueStems(inputs, 'advice'), ['a.png', 'a.jpg', 'b']);
});

test('inputs sharing a file name are an error naming both and ending with the advice', () => {
  const inputs = [{ name: 'a.png', label: 'x/a.png' }, { name: 'a.png', label: 'y/a.png' }];
  assert.throws(() => uniqueStems(inputs, 'pick them one at a time'), /inputs x\/a\.png, y\/a\.png share the name a\.png: their predictions would overwrite each other; pick them one at a time/);
});

test.run();
