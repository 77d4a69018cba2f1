// A temporary $XDG_CACHE_HOME for a test file's tuning cache: set (and the cache forgotten) before
// its tests, the previous value restored and the folder removed after.
import { forgetLoadedCache } from '../../src/device.ts';
import { tempDir } from './data-fixtures.ts';

export function tempCacheHome(prefix: string): { dir: () => string; set: () => Promise<void>; restore: () => Promise<void> } {
  const saved = process.env.XDG_CACHE_HOME;
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  return {
    dir: () => dir,
    async set() {
      ({ dir, cleanup } = await tempDir(prefix));
      process.env.XDG_CACHE_HOME = dir;
      forgetLoadedCache();
    },
    async restore() {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
      forgetLoadedCache();
      await cleanup();
    },
  };
}
