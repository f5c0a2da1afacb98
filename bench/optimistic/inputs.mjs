// The optimistic bench's inputs, the same in node and in the page: `measure(subject, count)`
// makes `count` inputs one after the other and returns, per input, the ms until the calling
// window showed it and until it settled. Subjects: 'optimistic' (action `set`, listed in
// `optimistic`), 'plain' (`setPlain`, the same action not listed) and 'raw' (a postMessage
// round trip to a worker that posts it straight back).
import { FIELDS } from './stores.mjs';

const TIMEOUT_MS = 2_000;

const within = (promise, what) => {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export function createInputs({ handle, spawn, clock, post, onAnswer }) {
  /** The change the calling window waits for, and when it showed it. */
  let armed;
  handle.subscribe((state) => {
    if (armed && armed.shownAt === undefined && state[armed.field] === armed.value) {
      armed.shownAt = clock();
    }
  });
  let value = 0;
  const next = () => {
    value++;
    return { field: `f${value % FIELDS}`, value };
  };
  const input = async (action) => {
    const target = next();
    armed = target;
    const t0 = clock();
    await within(spawn(handle, action, [target.field, target.value]), `${action} settling`);
    const settledAt = clock();
    armed = undefined;
    if (target.shownAt === undefined) throw new Error(`${action}: the change was never shown`);
    return { shown: target.shownAt - t0, settled: settledAt - t0 };
  };
  let answer;
  onAnswer((data) => answer?.(data));
  const raw = async () => {
    const target = next();
    const t0 = clock();
    const back = new Promise((resolve) => {
      answer = resolve;
    });
    post(target);
    await within(back, 'raw round trip');
    const ms = clock() - t0;
    return { shown: ms, settled: ms };
  };
  const once = { optimistic: () => input('set'), plain: () => input('setPlain'), raw };
  return {
    async measure(subject, count) {
      const shown = [];
      const settled = [];
      for (let i = 0; i < count; i++) {
        const sample = await once[subject]();
        shown.push(sample.shown);
        settled.push(sample.settled);
      }
      return { shown, settled };
    },
  };
}
