import { isStateSyncError, StateSyncError, type StateSyncErrorCode } from '@statesync/core';
import type { TauriCommandArgs, TauriInvoke } from './types.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Readable text for whatever a command rejected with. Rust commands usually fail with a string
 * (`Err(String)`) or a serialised error object with a `message`, rarely with an `Error`.
 */
export function describeFailure(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  if (isRecord(value) && typeof value.message === 'string') return value.message;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // A cycle or a BigInt: fall through.
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The `reason` a Rust error object names itself, e.g. `{ reason: 'quota', message: '…' }`. */
export function failureReason(value: unknown): string | undefined {
  return isRecord(value) && typeof value.reason === 'string' && value.reason !== ''
    ? value.reason
    : undefined;
}

export function assertName(value: unknown, option: string, factory: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StateSyncError('invalid_option', `${factory}: ${option} must be a non-empty string`);
  }
  return value;
}

export function assertFunction(value: unknown, option: string, factory: string): void {
  if (typeof value !== 'function') {
    throw new StateSyncError('invalid_option', `${factory}: ${option} must be a function`);
  }
}

/**
 * Runs one command. A rejection (or a synchronous throw) becomes a `StateSyncError` of `code`
 * naming the command, the original kept as `cause`; a `StateSyncError` passes unchanged.
 */
export async function runCommand(
  invoke: TauriInvoke,
  command: string,
  args: TauriCommandArgs | undefined,
  code: StateSyncErrorCode,
  reason?: string,
): Promise<unknown> {
  try {
    return await (args === undefined ? invoke(command) : invoke(command, args));
  } catch (error) {
    if (isStateSyncError(error)) throw error;
    const message = `invoke("${command}") failed: ${describeFailure(error)}`;
    const named = failureReason(error) ?? reason;
    throw new StateSyncError(
      code,
      message,
      named === undefined ? { cause: error } : { cause: error, reason: named },
    );
  }
}
