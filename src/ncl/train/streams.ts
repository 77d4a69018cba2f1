// The run's random streams. Each is derived from (seed, stream id, position in the run) with
// Rng.fromSeed, never carried from step to step, so the state that shapes the rest of a run is
// its seed and its step count: a checkpoint stores both, and a resumed run draws the same numbers.
//   order:   the shuffle of epoch e          Rng.fromSeed(seed, order, e)
//   augment: image k of micro-batch m, step s  Rng.fromSeed(seed, augment, s, m, k)
//   sampler: patch sampling at (s, m)        Rng.fromSeed(seed, sampler, s, m)
//   dropout: the seed of the dropout masks at (s, m)   Rng.fromSeed(seed, dropout, s, m)
// Initialisation uses its own stream inside NclNetwork.
export const STREAM = {
  order: 1,
  augment: 2,
  sampler: 3,
  dropout: 4,
} as const;
