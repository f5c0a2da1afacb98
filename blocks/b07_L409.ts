import {
  deserializeError,
  isStateSyncError,
  StateSyncError,
  type StateSyncErrorCode,
  type StateSyncErrorOptions,
  serializeError,
  toStateSyncError,
  type WireError,
} from '@statesync/core';

// Throwing one yourself: a code, a message and, optionally, the cause.
const options: StateSyncErrorOptions = { cause: new Error('QuotaExceededError') };
const error = new StateSyncError('storage', 'could not save settings', options);

// Checking: by brand rather than instanceof, so errors from a second copy of the package match.
function isRetryable(value: unknown): boolean {
  const transient: StateSyncErrorCode[] = ['timeout', 'snapshot_failed', 'stale_snapshot'];
  return isStateSyncError(value) && transient.includes(value.code);
}
isStateSyncError(error, 'storage'); // true: the second argument narrows to one code

// Wrapping anything thrown: a StateSyncError comes back unchanged, anything else becomes one
// with the given code, the message "context: original message" and the original as cause.
try {
  JSON.parse('{');
} catch (thrown) {
  const wrapped = toStateSyncError(thrown, 'protocol', 'reading settings');
  console.log(wrapped.message, isRetryable(wrapped)); // "reading settings: …" false
}

// Crossing a window boundary: { name, code, message } is plain data.
const wire: WireError = serializeError(new TypeError('x is not a function'));
// → { name: 'TypeError', code: 'remote', message: 'x is not a function' }
const rebuilt = deserializeError(wire);
console.log(rebuilt.code, rebuilt.remoteName); // 'remote' 'TypeError'
