import { StateSyncError } from '@statesync/core/base';
import type { ClientShareOptions, SharedAppOptions, SharedRole } from '../types.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

function duration(value: number | undefined, name: string, fallback: number): number {
  const ms = value ?? fallback;
  if (!(typeof ms === 'number' && ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new StateSyncError('invalid_option', `${name} must be in 1..${MAX_TIMER_MS} ms`);
  }
  return ms;
}

/** The checked essentials of `createSharedApp`'s options; throws `invalid_option` otherwise. */
export function checkOptions(options: SharedAppOptions) {
  const { share } = options;
  if (typeof share?.name !== 'string' || share.name === '' || share.name.includes('/')) {
    throw new StateSyncError('invalid_option', 'share.name must be a non-empty string without "/"');
  }
  const workers = ['SharedWorker', 'ServiceWorker', 'Worker', 'Window', 'Extension'];
  const types = [...workers, 'SharedTab', 'Auto', 'Local'];
  if (!types.includes(share.type)) {
    throw new StateSyncError(
      'invalid_option',
      `share.type must be one of ${types.map((type) => `'${type}'`).join(', ')}`,
    );
  }
  const worker = workers.includes(share.type);
  if (worker && share.port !== 'server' && share.port !== 'client') {
    throw new StateSyncError('invalid_option', `share.port must be 'server' or 'client'`);
  }
  const client = worker && share.port === 'client' ? (share as ClientShareOptions) : undefined;
  if (client && !client.transport && !client.connector) {
    const needsScript = client.type === 'SharedWorker' || client.type === 'Worker';
    if (needsScript && !client.workerURL) {
      throw new StateSyncError('invalid_option', `a ${client.type} client needs share.workerURL`);
    }
    if (client.type === 'Window' && !client.targetOrigin) {
      throw new StateSyncError('invalid_option', 'a Window client needs share.targetOrigin');
    }
  }
  if (share.type === 'Window' && share.port === 'server' && !share.transport) {
    if (!share.allowedOrigins?.length) {
      throw new StateSyncError('invalid_option', 'a Window authority needs share.allowedOrigins');
    }
  }
  if (!Array.isArray(options.stores)) {
    throw new StateSyncError('invalid_option', 'stores must be an array of store definitions');
  }
  const role: SharedRole =
    share.type === 'Local'
      ? 'local'
      : share.type === 'SharedTab' || share.type === 'Auto'
        ? 'client'
        : share.port;
  return {
    name: share.name,
    version: share.version ?? '0',
    role,
    callTimeoutMs: duration(options.callTimeoutMs, 'callTimeoutMs', 10_000),
    startTimeoutMs: duration(
      'startTimeoutMs' in share ? share.startTimeoutMs : undefined,
      'share.startTimeoutMs',
      5_000,
    ),
  };
}
