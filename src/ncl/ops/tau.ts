// The contrastive temperature τ as the kernels take it, for the method above them: its one check
// and 1/τ, both written in src/kernels/contrastive.ts (τ's default is DEFAULT_NCL_OPTIONS.tau).
export { checkTau, invTau } from '../../kernels/contrastive.ts';
