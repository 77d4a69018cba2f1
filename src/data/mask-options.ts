// The command-line options that choose how masks are read, shared by every command that reads a
// dataset (data check now; train and evaluate later).
import { Option, type Command } from 'commander';
import type { LoadOptions } from './loader.ts';

export interface MaskCliOptions {
  maskInvert?: boolean;
  maskChannel?: string;
  maskAnyNonzero?: boolean;
  maskResize?: boolean;
}

export function addMaskOptions(command: Command): Command {
  return command
    .option('--mask-invert', 'manipulated pixels are black in the masks (NIST16)')
    .addOption(new Option('--mask-channel <c>', 'binarise this channel of colour masks instead of the mean').choices(['0', '1', '2']))
    .option('--mask-any-nonzero', 'a pixel is manipulated when its value (mean, or --mask-channel) is above 0, not above 127.5')
    .option('--mask-resize', 'resize masks whose size differs from their image (nearest neighbour) instead of failing');
}

export function loadOptionsFromCli(o: MaskCliOptions): LoadOptions {
  return {
    mask: {
      invert: o.maskInvert ?? false,
      anyNonzero: o.maskAnyNonzero ?? false,
      ...(o.maskChannel !== undefined ? { channel: Number(o.maskChannel) as 0 | 1 | 2 } : {}),
    },
    onSizeMismatch: o.maskResize ? 'resize' : 'error',
  };
}
