import { serializeError, type WireError } from '@statesync/core';

/**
 * The wire form of anything an action or a handler threw, whatever it is: an error whose
 * `message` or `name` getter throws still becomes a `remote` error, so the caller gets an
 * answer instead of waiting for its timeout.
 */
export function toWireError(error: unknown): WireError {
  try {
    const wire = serializeError(error);
    // A getter may return anything: the wire form must hold strings.
    if (typeof wire.message === 'string' && typeof wire.name === 'string') return wire;
  } catch {
    // Reading the error threw: said below.
  }
  return {
    name: 'Error',
    code: 'remote',
    message: 'an error was thrown whose message cannot be read',
  };
}
