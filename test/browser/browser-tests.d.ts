// The module suite.ts generates when run.ts bundles the page: each browser test file's path from
// test/ and its import.
declare module 'ncl:browser-tests' {
  const files: Record<string, () => Promise<unknown>>;
  export default files;
}
