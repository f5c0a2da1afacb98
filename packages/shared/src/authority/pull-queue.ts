/**
 * How long the authority answers pulls in a row before it lets other messages in. A client
 * joining a big app pulls every store at once; answered back to back, they would hold every
 * other client's calls for the whole transfer.
 */
export const PULL_SLICE_MS = 8;

export interface PullQueueOptions {
  /** Reads a clock in ms: real time, since the budget is real work. @default performance.now */
  now?: () => number;
  /** Runs `task` in a later task, after the messages already waiting. @default the platform's */
  later?: (task: () => void) => void;
  /** @default PULL_SLICE_MS */
  sliceMs?: number;
}

/**
 * Runs pull answers in arrival order: at once while the current burst of answers has taken less
 * than `sliceMs`, otherwise in slices of about `sliceMs`, each in a task of its own, so the
 * messages that arrived meanwhile (other clients' calls) are handled between slices.
 */
export function createPullQueue(options: PullQueueOptions = {}) {
  const now = options.now ?? defaultNow;
  const later = options.later ?? nextTask;
  const sliceMs = options.sliceMs ?? PULL_SLICE_MS;
  const waiting: (() => void)[] = [];
  let scheduled = false;
  let stopped = false;
  /** Time spent answering in the current burst, and when its last answer ended. */
  let spent = 0;
  let endedAt = Number.NEGATIVE_INFINITY;

  const answer = (job: () => void) => {
    const started = now();
    // A pause longer than a slice since the last answer ends the burst.
    if (started - endedAt > sliceMs) spent = 0;
    try {
      job();
    } finally {
      endedAt = now();
      spent += endedAt - started;
    }
  };
  const slice = () => {
    scheduled = false;
    spent = 0;
    while (waiting.length > 0 && !stopped) {
      answer(waiting.shift()!);
      if (spent >= sliceMs && waiting.length > 0) return schedule();
    }
  };
  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    later(slice);
  };

  return {
    /** Answers now, or queues the answer behind the others when this burst used its slice. */
    push(job: () => void) {
      if (stopped) return;
      if (waiting.length === 0 && !scheduled && (spent < sliceMs || now() - endedAt > sliceMs)) {
        answer(job);
        return;
      }
      waiting.push(job);
      schedule();
    },
    /** Drops what waits; nothing more runs. */
    stop() {
      stopped = true;
      waiting.length = 0;
    },
  };
}

const defaultNow = () => globalThis.performance?.now() ?? Date.now();

/**
 * A task after the ones already queued: `setImmediate` where there is one (Node), else a
 * message to a channel of its own (browsers and workers: no 4 ms clamp as for nested timers).
 */
function nextTask(task: () => void): void {
  const { setImmediate } = globalThis as { setImmediate?: (task: () => void) => void };
  if (typeof setImmediate === 'function') {
    setImmediate(task);
    return;
  }
  if (typeof MessageChannel !== 'function') {
    setTimeout(task, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    task();
  };
  channel.port2.postMessage(null);
}
