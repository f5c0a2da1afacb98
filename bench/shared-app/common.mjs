// Helpers of the shared-app bench used in node and in the browser page alike.
import { updateTarget } from './data.mjs';

/** Rejects after `ms` unless `promise` settles first; the timer never outlives it. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A logger that keeps warnings and errors, so the bench can fail on them instead of printing. */
export function collectingLogger(problems) {
  return {
    debug() {},
    info() {},
    warn: (message) => problems.push(`warn: ${message}`),
    error: (message, extra) =>
      problems.push(`error: ${message}${extra?.error ? ` (${extra.error.message})` : ''}`),
  };
}

/**
 * Waits for one change to reach every client: `expect(target)` arms it, `seen(client)` is
 * called by each client when its copy shows the change, and the promise resolves (with the
 * clock reading at the last client) once all `clients` saw it.
 */
export function createArrival(clients, clock) {
  let pending;
  return {
    /** The change under way, or undefined. */
    get target() {
      return pending?.target;
    },
    expect(target) {
      return new Promise((resolve) => {
        pending = { target, seen: new Uint8Array(clients), left: clients, resolve };
      });
    },
    seen(client) {
      const waiting = pending;
      if (!waiting || waiting.seen[client]) return;
      waiting.seen[client] = 1;
      if (--waiting.left === 0) {
        pending = undefined;
        waiting.resolve(clock());
      }
    },
    cancel() {
      pending = undefined;
    },
  };
}

/**
 * Makes `count` one-field updates one after the other with `send(target)` and returns, in ms per
 * update, the time from the send until the last client showed the change (`mirrors`) and, when
 * `send` returns a promise of a clock reading (statesync's spawn), until the caller's promise
 * resolved (`calls`). `counter.n` numbers the updates, so every value set is new.
 */
export async function runUpdates({
  count,
  arrival,
  send,
  counter,
  shape,
  clock,
  timeoutMs,
  label,
}) {
  const mirrors = [];
  const calls = [];
  for (let i = 0; i < count; i++) {
    const n = ++counter.n;
    const target = updateTarget(n, shape.stores, shape.fields);
    const arrived = arrival.expect(target);
    const t0 = clock();
    const [at, calledAt] = await withTimeout(
      Promise.all([arrived, send(target)]),
      timeoutMs,
      `${label}, update ${n}`,
    ).catch((error) => {
      arrival.cancel();
      throw error;
    });
    mirrors.push(at - t0);
    if (calledAt !== undefined) calls.push(calledAt - t0);
  }
  return { mirrors, calls };
}
