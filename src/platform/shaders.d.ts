// The module the browser bundle's esbuild plugin (bundle.ts) generates: every shaders/*.wgsl by name.
declare module 'ncl:shaders' {
  const sources: Record<string, string>;
  export default sources;
}
