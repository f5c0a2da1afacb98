import { StateSyncError, toStateSyncError } from './errors.js';
import type {
  RevisionStamp,
  SnapshotEnvelope,
  SnapshotProvider,
  SnapshotRequest,
  Timers,
  Topic,
} from './types.js';
import { parseSnapshot, parseStamp } from './validate.js';

export interface PendingCall<R> {
  /** The validated answer, or a `StateSyncError` (timeout, provider failure, protocol). */
  result: Promise<R>;
  /** Settles `result` with `reason` now and aborts the provider's signal. */
  abort(reason: StateSyncError): void;
}

/**
 * The request handed to providers. A class, not a literal, for speed: creating an AbortSignal
 * costs more than the rest of a fetch, and most in-process providers never read it, so the
 * controller is made on first access (already aborted if the fetch has ended by then).
 */
class Request implements SnapshotRequest {
  private controller: AbortController | undefined;
  private reason: StateSyncError | undefined;

  constructor(readonly topic: Topic) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: StateSyncError) {
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

interface CallOptions {
  topic: Topic;
  timeoutMs: number;
  timers: Timers;
  /** Called once, as soon as the outcome is known. */
  onSettled?: () => void;
}

/**
 * One provider call bounded by `timeoutMs` (`Infinity`: unbounded). A provider that ignores its
 * signal cannot hold the caller: its late answer is dropped.
 */
function callProvider<R>(
  what: string,
  call: (request: SnapshotRequest) => unknown,
  parse: (value: unknown) => R,
  { topic, timeoutMs, timers, onSettled }: CallOptions,
): PendingCall<R> {
  const request = new Request(topic);
  let settled = false;
  let timer: unknown;
  let abort!: (reason: StateSyncError) => void;
  const result = new Promise<R>((resolve, reject) => {
    const finish = (error: StateSyncError | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      onSettled?.();
      if (error) {
        request.abort(error);
        reject(error);
        return;
      }
      try {
        resolve(parse(value));
      } catch (invalid) {
        reject(invalid);
      }
    };
    abort = (reason) => finish(reason);
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      timer = timers.setTimeout(
        () => finish(new StateSyncError('timeout', `${what} timed out after ${timeoutMs}ms`)),
        timeoutMs,
      );
    }
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(call(request));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (value) => finish(undefined, value),
      (error) => finish(toStateSyncError(error, 'snapshot_failed', `${what} failed`)),
    );
  });
  return { result, abort };
}

/** One `getSnapshot` call, validated and bounded by `timeoutMs`. */
export function fetchSnapshot<T>(
  provider: SnapshotProvider<T>,
  options: CallOptions,
): PendingCall<SnapshotEnvelope<T>> {
  return callProvider(
    'getSnapshot',
    (request) => provider.getSnapshot(request),
    parseSnapshot<T>,
    options,
  );
}

/** One call of a provider's `getRevision`, validated and bounded by `timeoutMs`. */
export function fetchRevision(
  getRevision: (request: SnapshotRequest) => Promise<RevisionStamp>,
  options: CallOptions,
): PendingCall<RevisionStamp> {
  return callProvider(
    'getRevision',
    getRevision,
    (value) => parseStamp(value, 'getRevision result'),
    options,
  );
}
