import type {
  InvalidationEvent,
  Logger,
  PatchEnvelope,
  SnapshotEnvelope,
  SnapshotRequest,
  SyncErrorContext,
} from '../src/index.js';

/** A subscriber the test drives by hand. */
export function manualSubscriber() {
  let handler: ((event: InvalidationEvent) => void) | undefined;
  let subscriptions = 0;
  return {
    subscribe(next: (event: InvalidationEvent) => void) {
      handler = next;
      subscriptions++;
      return () => {
        handler = undefined;
      };
    },
    /** Delivers a raw event; `unknown` so tests can send malformed ones. */
    emit(event: unknown) {
      handler?.(event as InvalidationEvent);
    },
    get active() {
      return handler !== undefined;
    },
    get subscriptions() {
      return subscriptions;
    },
  };
}

interface PendingCall<T> {
  request: SnapshotRequest;
  resolve(snapshot: SnapshotEnvelope<T>): void;
  reject(error: unknown): void;
}

/** A provider whose answers the test gives one by one. */
export function manualProvider<T>() {
  const calls: PendingCall<T>[] = [];
  return {
    calls,
    getSnapshot(request: SnapshotRequest) {
      return new Promise<SnapshotEnvelope<T>>((resolve, reject) => {
        calls.push({ request, resolve, reject });
      });
    },
    /** The newest call still waiting for an answer. */
    get last(): PendingCall<T> {
      const call = calls.at(-1);
      if (!call) throw new Error('no getSnapshot call yet');
      return call;
    },
  };
}

/** A provider that answers at once from a mutable current snapshot. */
export function instantProvider<T>(initial: SnapshotEnvelope<T>) {
  let current = initial;
  let count = 0;
  return {
    getSnapshot: async () => {
      count++;
      return current;
    },
    set(next: SnapshotEnvelope<T>) {
      current = next;
    },
    get count() {
      return count;
    },
  };
}

/** An applier that records everything it is given. */
export function recordingApplier<T>(options: { patches?: boolean } = {}) {
  const applied: SnapshotEnvelope<T>[] = [];
  const patched: PatchEnvelope[] = [];
  const applier: {
    apply(snapshot: SnapshotEnvelope<T>): void;
    applyPatch?(patch: PatchEnvelope): void;
  } = {
    apply(snapshot) {
      applied.push(snapshot);
    },
  };
  if (options.patches) {
    applier.applyPatch = (patch) => {
      patched.push(patch);
    };
  }
  return { applier, applied, patched, revisions: () => applied.map((s) => s.revision) };
}

export function errorCollector() {
  const errors: SyncErrorContext[] = [];
  return {
    errors,
    onError: (context: SyncErrorContext) => {
      errors.push(context);
    },
    codes: () => errors.map((e) => `${e.phase}:${e.error.code}`),
  };
}

/** A logger that keeps its `error` lines (message merged with extra) and drops the rest. */
export function errorLogger() {
  const errors: Record<string, unknown>[] = [];
  const ignore = () => {};
  const logger: Logger = {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, extra) => errors.push({ message, ...extra }),
  };
  return { logger, errors };
}
