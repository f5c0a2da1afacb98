import type { DeadlineWatch } from './deadline.js';
import { StateSyncError, toStateSyncError } from './errors.js';
import type {
  RevisionStamp,
  SnapshotEnvelope,
  SnapshotProvider,
  SnapshotRequest,
  Topic,
} from './types.js';
import { parseSnapshot, parseStamp } from './validate.js';

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

/**
 * Calls the provider, one call at a time, each bounded by `timeoutMs` (`Infinity`: unbounded).
 * A provider that ignores its signal cannot hold the caller: its late answer is dropped. One
 * caller serves a whole fetch loop, so a call allocates little more than its promise.
 */
export interface ProviderCaller {
  /** One `getSnapshot` call: the validated snapshot, or a `StateSyncError`. */
  snapshot<T>(provider: SnapshotProvider<T>): Promise<SnapshotEnvelope<T>>;
  /** One `getRevision` call (the provider has it): the validated stamp, or a `StateSyncError`. */
  revision(provider: SnapshotProvider<unknown>): Promise<RevisionStamp>;
  /** Settles the call in flight, if any, with `reason` now and aborts the provider's signal. */
  abort(reason: StateSyncError): void;
}

const readStamp = (value: unknown) => parseStamp(value, 'getRevision result');

export function createProviderCaller(
  topic: Topic,
  timeoutMs: number,
  watch: DeadlineWatch,
): ProviderCaller {
  /** Number of the call in flight; 0 when none is. */
  let current = 0;
  let calls = 0;
  let what = '';
  let request: Request | undefined;
  let parse: (value: unknown) => unknown = (value) => value;
  let resolveCall: (value: unknown) => void = () => {};
  let rejectCall: (error: unknown) => void = () => {};

  const finish = (call: number, error: StateSyncError | undefined, value?: unknown) => {
    if (call !== current || call === 0) return;
    current = 0;
    watch.end();
    if (error) {
      request?.abort(error);
      rejectCall(error);
      return;
    }
    try {
      resolveCall(parse(value));
    } catch (invalid) {
      rejectCall(invalid);
    }
  };
  const timedOut = () =>
    finish(current, new StateSyncError('timeout', `${what} timed out after ${timeoutMs}ms`));

  const call = <R>(
    name: string,
    provider: SnapshotProvider<unknown>,
    ask: ((request: SnapshotRequest) => unknown) | undefined,
    read: (value: unknown) => R,
  ) => {
    const number = ++calls;
    current = number;
    what = name;
    parse = read;
    const asked = new Request(topic);
    request = asked;
    const result = new Promise<R>((resolve, reject) => {
      resolveCall = resolve as (value: unknown) => void;
      rejectCall = reject;
    });
    watch.start(timedOut);
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(ask?.call(provider, asked));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (value) => finish(number, undefined, value),
      (error) => finish(number, toStateSyncError(error, 'snapshot_failed', `${name} failed`)),
    );
    return result;
  };

  return {
    snapshot: <T>(provider: SnapshotProvider<T>) =>
      call('getSnapshot', provider, provider.getSnapshot, parseSnapshot<T>),
    revision: (provider) => call('getRevision', provider, provider.getRevision, readStamp),
    abort: (reason) => finish(current, reason),
  };
}
