import { isStateSyncError, StateSyncError } from '@statesync/core/base';

/**
 * What a JSON-medium transport delivers in place of a message it could not decode: the parsers
 * of the shared layer turn it back into its `protocol` error, so `onError` hears of it as of
 * any malformed message.
 */
export interface Undecodable {
  readonly [UNDECODABLE]: StateSyncError;
}

const UNDECODABLE = Symbol.for('statesync.shared.undecodable');

export function undecodable(error: unknown): Undecodable {
  const failure = isStateSyncError(error, 'protocol')
    ? error
    : new StateSyncError('protocol', 'a message could not be decoded', { cause: error });
  return { [UNDECODABLE]: failure };
}

/** The decoding error `value` stands for, when it is an {@link Undecodable}. */
export function decodingError(value: unknown): StateSyncError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Partial<Undecodable>)[UNDECODABLE];
}
