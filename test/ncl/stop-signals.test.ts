// The stop state machine of a training run (src/ncl/train/stop-signals.ts), for each of SIGINT,
// SIGTERM and SIGHUP and for one, two and three signals in a row: what it says, in order, whether
// it asks the run to stop, and when it exits at once with which status.
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitCodeOf, STOP_SIGNALS, StopRequests, type RunPosition, type SignalSource } from '../../src/ncl/train/stop-signals.ts';

function machine(position: RunPosition) {
  const said: string[] = [];
  const exits: number[] = [];
  const source = new EventEmitter();
  const stops = new StopRequests({ position: () => position, say: (l) => said.push(l), exitNow: (c) => exits.push(c), source: source as unknown as SignalSource }).install();
  return { stops, said, exits, source };
}

const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

for (const signal of STOP_SIGNALS) {
  test(`${signal}: exit status ${codes[signal]}`, () => {
    assert.is(exitCodeOf(signal), codes[signal]);
  });

  for (const count of [1, 2, 3]) {
    test(`${signal} × ${count}: ${['stop after the step', 'warn that a third exits', 'exit without saving'][count - 1]}`, () => {
      const { stops, said, exits, source } = machine({ step: 7, inStep: true, saved: 3, checkpoint: 'run/checkpoint.safetensors' });
      assert.not.ok(stops.requested);
      for (let i = 0; i < count; i++) source.emit(signal, signal);
      assert.ok(stops.requested);
      assert.is(stops.signal, signal);
      const expected = [
        `stopping (${signal}): finishing step 7, then saving to run/checkpoint.safetensors`,
        'still saving step 7 — press again to exit without saving (steps 4–7 would be lost)',
        'exiting without saving: steps 4–7 lost; run/checkpoint.safetensors holds step 3',
      ];
      assert.equal(said, expected.slice(0, count));
      assert.equal(exits, count === 3 ? [codes[signal]] : []);
    });
  }
}

test('mixed signals: the first one sets the exit status; nothing unsaved and no checkpoint are said as such', () => {
  const position = { step: 5, inStep: false, saved: 5, checkpoint: 'c.safetensors' };
  const { said, exits, source } = machine(position);
  source.emit('SIGHUP', 'SIGHUP');
  source.emit('SIGINT', 'SIGINT');
  assert.is(said[0], 'stopping (SIGHUP): saving step 5 to c.safetensors', 'between steps: nothing to finish');
  assert.is(said[1], 'still saving step 5 — press again to exit without saving (nothing would be lost)');
  Object.assign(position, { step: 1, inStep: true, saved: 0 });
  source.emit('SIGTERM', 'SIGTERM');
  assert.is(said[2], 'exiting without saving: step 1 lost; no checkpoint of this run was written');
  assert.equal(exits, [129]);
});

test('uninstall stops listening', () => {
  const { stops, said, source } = machine({ step: 1, inStep: true, saved: 0, checkpoint: 'c' });
  stops.uninstall();
  source.emit('SIGINT', 'SIGINT');
  assert.equal(said, []);
  assert.not.ok(stops.requested);
  for (const s of STOP_SIGNALS) assert.is(source.listenerCount(s), 0);
});

test.run();
