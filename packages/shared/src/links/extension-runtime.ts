import { StateSyncError } from '@statesync/core/base';

/** `runtime`, else the extension's own (`chrome.runtime`), when it has `need`; else `invalid_option`. */
export function extensionRuntime<R>(runtime: R | undefined, need: 'onConnect' | 'connect'): R {
  const found =
    runtime ?? (globalThis as { chrome?: { runtime?: R } }).chrome?.runtime ?? undefined;
  if (!found || !(need in (found as object))) {
    throw new StateSyncError(
      'invalid_option',
      `no extension runtime with ${need}: run this in an extension or pass a runtime`,
    );
  }
  return found;
}
