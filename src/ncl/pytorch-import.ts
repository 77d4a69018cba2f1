// Weights of a PyTorch DeepLabV3+ (the code base NCL builds on: backbone.*, aspp.*, decoder.*)
// onto an NclNetwork, from its state dict saved as safetensors (docs/training.md), e.g.
//   from safetensors.torch import save_file
//   sd = torch.load('model.pth', map_location='cpu'); sd = sd.get('state_dict', sd)
//   save_file({k: v.contiguous() for k, v in sd.items()}, 'deeplab.safetensors')
// or a file written by `ncl export --pytorch`.
// Mapping: a DataParallel "module." prefix is dropped, BN "num_batches_tracked" counters (int64)
// are ignored, names must otherwise match; the tensors the network needs must be float32. The
// branch heads (branch_t, branch_a) are not part of DeepLabV3+ and keep their initialisation when
// the file lacks them. With `skipHead`, a classifier of another class count (decoder.last_conv.8,
// e.g. 21 VOC classes) is left out too.
import type { NamedArray } from '../io/safetensors.ts';
import { loadSafetensors } from '../io/safetensors-file.ts';
import type { NclNetwork } from './method/model/network.ts';

const SEG_HEAD = 'decoder.last_conv.8.';
const BRANCH = /^branch_[ta]\./;

export interface ImportReport {
  loaded: number;
  /** Tensors of the network not in the file (branch heads; the seg head with skipHead). */
  keptInitialised: string[];
  /** Entries of the file the network has no use for (num_batches_tracked). */
  ignored: string[];
}

const stripParallelPrefix = (name: string) => (name.startsWith('module.') ? name.slice('module.'.length) : name);

export async function importPytorchDeepLab(path: string, net: NclNetwork, options: { skipHead?: boolean } = {}): Promise<ImportReport> {
  const file = loadSafetensors(path);
  const state = new Map<string, NamedArray>();
  const ignored: string[] = [];
  const needed = net.stateTensors();
  for (const [raw, { dtype }] of file.unread) {
    const name = stripParallelPrefix(raw);
    if (needed.has(name) && !(options.skipHead && name.startsWith(SEG_HEAD))) {
      throw new Error(`${path}: tensor '${raw}' is ${dtype}; ncl needs the network's tensors in float32 (save them with v.float())`);
    }
    ignored.push(raw);
  }
  for (const [raw, value] of file.tensors) {
    const name = stripParallelPrefix(raw);
    if (name.endsWith('.num_batches_tracked') || (options.skipHead && name.startsWith(SEG_HEAD))) ignored.push(raw);
    else state.set(name, value);
  }
  // Tensors DeepLabV3+ does not have (or that are skipped) keep the values they have now.
  const keptInitialised: string[] = [];
  for (const [name, t] of needed) {
    if (!state.has(name) && (BRANCH.test(name) || (options.skipHead && name.startsWith(SEG_HEAD)))) {
      keptInitialised.push(name);
      state.set(name, { shape: [...t.shape], data: await t.data() });
    }
  }
  net.loadState(state, { source: `${path} (PyTorch DeepLabV3+ export)` });
  return { loaded: state.size - keptInitialised.length, keptInitialised, ignored };
}
