// The tuner's cache: the winning variant per kernel family and shape class, in one JSON entry of
// the platform's cache store (Node: $XDG_CACHE_HOME/ncl/, default ~/.cache/ncl/) per adapter,
// driver and ncl version; within it, a family's winners sit under its name and the hash of its
// shaders, so changed shaders are tuned anew. Read once per process, written after each tuning.
import platform from '#platform';
import type { CacheStore } from '../platform/platform.ts';
import { runtime } from './context.ts';
import { expandedSource } from './pipelines.ts';
import { variantKey, type Tunable } from './tunable.ts';

const FORMAT = 'ncl-tune/1';
const PREFIX = 'tune-';

export interface CacheEntry {
  variant: unknown;
  /** The winner's time, in ms, and the clock it was read from. */
  ms: number;
  timing: 'timestamp-query' | 'host';
  /** The problem timed. */
  problem: string;
}

interface CacheFile {
  format: string;
  adapter: string;
  backend: string;
  driver: string;
  ncl: string;
  /** "<family>@<shader hash>" → shape class → entry. */
  families: Record<string, Record<string, CacheEntry>>;
}

let storeInUse: CacheStore | null = null;

/** The platform's store, or the one a test put in its place. */
function store(): CacheStore {
  return storeInUse ?? platform.cacheStore();
}

/** Puts a store in place of the platform's (null: the platform's again), forgetting what was read. */
export function useCacheStore(replacement: CacheStore | null): void {
  storeInUse = replacement;
  loaded = null;
}

/** FNV-1a, 32 bits, as 8 hex digits. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function identity(): Omit<CacheFile, 'format' | 'families'> {
  const a = runtime().adapter;
  return { adapter: `${a.description} (${a.vendor} ${a.architecture})`.trim(), backend: `${a.backend}, webgpu ${a.webgpuVersion}`, driver: a.driver, ncl: platform.nclVersion() };
}

/** The store's entry name for the open device. */
function cacheEntryName(): string {
  return `${PREFIX}${fnv(JSON.stringify(identity()))}.json`;
}

/** Where the open device's entry lives, for messages. */
export function tuneCacheFile(): string {
  return `${store().location}/${cacheEntryName()}`;
}

/** The family's cache key: its name and the hash of its shaders (with the common prelude). */
export function familyKey(family: Tunable): string {
  return `${family.name}@${fnv(['common', ...family.files].map((f) => expandedSource(f).text).join('\u0000'))}`;
}

let loaded: { name: string; file: CacheFile } | null = null;

function load(): CacheFile {
  const name = cacheEntryName();
  if (loaded?.name === name) return loaded.file;
  const entries = store();
  const text = entries.read(name);
  let file: CacheFile = { format: FORMAT, ...identity(), families: {} };
  if (text !== null) {
    try {
      const parsed = JSON.parse(text) as CacheFile;
      if (parsed.format !== FORMAT || typeof parsed.families !== 'object') throw new Error(`format ${JSON.stringify(parsed.format)}, expected '${FORMAT}'`);
      file = parsed;
    } catch (e) {
      throw new Error(`the tuning cache ${entries.location}/${name} is unreadable (${(e as Error).message}); empty it with ncl tune --clear`);
    }
  }
  loaded = { name, file };
  return file;
}

/** The cached winner of a class, if it is still one of the family's candidates. */
export function cachedVariant(family: Tunable, cls: string): unknown {
  const entry = load().families[familyKey(family)]?.[cls];
  if (!entry) return undefined;
  const known = family.candidates(runtime().profile, cls).some((c) => variantKey(c) === variantKey(entry.variant));
  return known ? entry.variant : undefined;
}

/** Records a winner and writes the cache. */
export function storeVariant(family: Tunable, cls: string, entry: CacheEntry): void {
  const file = load();
  const key = familyKey(family);
  file.families[key] = { ...file.families[key], [cls]: entry };
  store().write(loaded!.name, `${JSON.stringify(file, null, 1)}\n`);
}

/** Removes every tuning entry of the store (all adapters); returns where they were and how many. */
export function clearTuneCache(): { location: string; removed: string[] } {
  const entries = store();
  const removed = entries.list().filter((n) => n.startsWith(PREFIX));
  for (const n of removed) entries.remove(n);
  loaded = null;
  return { location: entries.location, removed };
}

/** Forgets what was read, so the next lookup reads the store again (tests). */
export function forgetLoadedCache(): void {
  loaded = null;
}
