// uvu's test API as the test files use it (test, test.before, test.after, test.skip, test.run), for
// the browser bundle, where esbuild aliases 'uvu' to this file. Each file's test.run() queues its
// suite; entry.ts runs the queue and reports every result to the runner (run.ts).
type Hook = () => unknown;
type Body = () => unknown;

export interface Suite {
  file: string;
  tests: Array<{ name: string; body: Body }>;
  before: Hook[];
  after: Hook[];
  skipped: string[];
}

export const suites: Suite[] = [];
let current: Suite = newSuite('');

function newSuite(file: string): Suite {
  return { file, tests: [], before: [], after: [], skipped: [] };
}

/** The test file whose module is about to be evaluated. */
export function startFile(file: string): void {
  current = newSuite(file);
}

export const test = Object.assign((name: string, body: Body) => void current.tests.push({ name, body }), {
  before: (hook: Hook) => void current.before.push(hook),
  after: (hook: Hook) => void current.after.push(hook),
  skip: (name: string) => void current.skipped.push(name),
  run: () => void suites.push(current),
});
