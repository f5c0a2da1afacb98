// Tauri's mocks keep their state on `window.__TAURI_INTERNALS__`. Node has no `window`, so the
// global object stands in for it. Import this module before anything from @tauri-apps/api.
const scope = globalThis as { window?: unknown };
if (scope.window === undefined) scope.window = globalThis;

/** Callbacks registered with the mocked IPC: one per live `listen`. */
export function liveListenerCount(): number {
  const internals = (globalThis as { __TAURI_INTERNALS__?: { callbacks?: Map<number, unknown> } })
    .__TAURI_INTERNALS__;
  return internals?.callbacks?.size ?? 0;
}

/**
 * Lets pending promise callbacks and timers run, at most `maxTurns` times, until `done()` holds.
 * Throws naming `what` if it never does; no assertion depends on how long that takes.
 */
export async function until(done: () => boolean, what: string, maxTurns = 500): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (done()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  if (!done()) throw new Error(`never happened: ${what}`);
}

/** A few macrotask turns, for checking that something did NOT happen. */
export async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
