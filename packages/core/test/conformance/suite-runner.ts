/**
 * A small runner for suites written against `SuiteApi`, for places vitest does not reach (a
 * page in Chromium): it collects `describe`/`it` as vitest would, then runs the tests one after
 * the other, each with its hooks, and tells how each one ended.
 */
import type { ExpectStatic } from 'vitest';
import type { SuiteApi } from './transport-cases.js';

export interface CaseResult {
  /** The names of the enclosing `describe`s and of the test, joined with ` > `. */
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  detail?: string;
}

type Body = Parameters<SuiteApi['it']>[1];
type Hook = () => void | Promise<void>;

interface Collected {
  name: string;
  body: Body | undefined;
  before: Hook[];
  after: Hook[];
}

const SKIP = Symbol('skip');

export function createSuiteRunner(expect: ExpectStatic) {
  const tests: Collected[] = [];
  const path: string[] = [];
  // The hooks of the innermost describe; a nested one starts from a copy of its parent's.
  let before: Hook[] = [];
  let after: Hook[] = [];

  const add = (name: string, body: Body | undefined) =>
    tests.push({ name: [...path, name].join(' > '), body, before, after });
  const it = Object.assign((name: string, body: Body) => add(name, body), {
    runIf: (condition: boolean) => (name: string, body: Body) =>
      add(name, condition ? body : undefined),
  });

  const api: SuiteApi = {
    describe(name, body) {
      const saved = { before, after };
      path.push(name);
      before = [...before];
      after = [...after];
      try {
        body();
      } finally {
        path.pop();
        ({ before, after } = saved);
      }
    },
    it,
    beforeEach: (hook) => before.push(hook),
    afterEach: (hook) => after.push(hook),
    expect,
  };

  const message = (error: unknown) =>
    error instanceof Error ? `${error.name}: ${error.message}` : String(error);

  /** Runs every collected test in order; a test's `afterEach` runs however it ended. */
  async function run(): Promise<CaseResult[]> {
    const results: CaseResult[] = [];
    for (const test of tests) {
      if (!test.body) {
        results.push({ name: test.name, outcome: 'skipped', detail: 'not for this medium' });
        continue;
      }
      let result: CaseResult = { name: test.name, outcome: 'passed' };
      try {
        for (const hook of test.before) await hook();
        await test.body({
          skip(note) {
            throw { [SKIP]: note ?? 'skipped' };
          },
        });
      } catch (error) {
        const skipped = typeof error === 'object' && error !== null && SKIP in error;
        result = skipped
          ? { name: test.name, outcome: 'skipped', detail: String((error as never)[SKIP]) }
          : { name: test.name, outcome: 'failed', detail: message(error) };
      }
      for (const hook of test.after) {
        try {
          await hook();
        } catch (error) {
          if (result.outcome !== 'failed') {
            result = { name: test.name, outcome: 'failed', detail: `afterEach: ${message(error)}` };
          }
        }
      }
      results.push(result);
    }
    return results;
  }

  return { api, run };
}
