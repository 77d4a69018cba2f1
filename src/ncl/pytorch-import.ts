// Weights of a PyTorch DeepLabV3+ (the code base NCL builds on: backbone.*, aspp.*, decoder.*)
// onto an NclNetwork. Export the state dict to safetensors in float32 first (docs/training.md):
//   from safetensors.torch import save_file
//   sd = torch.load('model.pth', map_location='cpu'); sd = sd.get('state_dict', sd)
//   save_file({k: v.float().contiguous() for k, v in sd.items()}, 'deeplab.safetensors')
// Mapping: a DataParallel "module." prefix is dropped, BN "num_batches_tracked" counters are
// ignored, names must otherwise match; the branch heads (branch_t, branch_a) are not part of
// DeepLabV3+ and keep their initialisation. With `skipHead`, a classifier of another class count
// (decoder.last_conv.8, e.g. 21 VOC classes) is left out too.
import type { NamedArray } from '../io/safetensors.ts';
import { loadSafetensors } from '../io/safetensors.ts';
import type { NclNetwork } from './model/network.ts';

const SEG_HEAD = 'decoder.last_conv.8.';
const BRANCH = /^branch_[ta]\./;

export interface ImportReport {
  loaded: number;
  /** Tensors of the network not in the file (branch heads; the seg head with skipHead). */
  keptInitialised: string[];
  /** Entries of the file the network has no use for (num_batches_tracked). */
  ignored: string[];
}

export async function importPytorchDeepLab(path: string, net: NclNetwork, options: { skipHead?: boolean } = {}): Promise<ImportReport> {
  const file = loadSafetensors(path);
  const state = new Map<string, NamedArray>();
  const ignored: string[] = [];
  for (const [raw, value] of file.tensors) {
    const name = raw.startsWith('module.') ? raw.slice('module.'.length) : raw;
    if (name.endsWith('.num_batches_tracked') || (options.skipHead && name.startsWith(SEG_HEAD))) ignored.push(raw);
    else state.set(name, value);
  }
  // Tensors DeepLabV3+ does not have (or that are skipped) keep the values they have now.
  const keptInitialised: string[] = [];
  for (const [name, t] of net.stateTensors()) {
    if (!state.has(name) && (BRANCH.test(name) || (options.skipHead && name.startsWith(SEG_HEAD)))) {
      keptInitialised.push(name);
      state.set(name, { shape: [...t.shape], data: await t.data() });
    }
  }
  net.loadState(state, { source: `${path} (PyTorch DeepLabV3+ export)` });
  return { loaded: state.size - keptInitialised.length, keptInitialised, ignored };
}
