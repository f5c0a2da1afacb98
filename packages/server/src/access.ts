import { StateSyncError } from '@statesync/core';
import type { AccessRequest, StateSyncServerOptions } from './types.js';

/** Asks the `authorize` hook; a throw counts as a refusal. Throws `forbidden` when refused. */
export async function checkAccess(options: StateSyncServerOptions, request: AccessRequest) {
  let allowed = true;
  try {
    allowed = options.authorize ? await options.authorize(request) : true;
  } catch {
    allowed = false;
  }
  if (allowed !== true) {
    const what =
      request.kind === 'call' ? `call ${request.topic}.${request.action}` : `read ${request.topic}`;
    throw new StateSyncError('forbidden', `${request.principal.id} may not ${what}`, {
      reason: request.kind,
    });
  }
}

/** Whether a browser's `Origin` may connect; requests without one are not from a browser page. */
export const originAllowed = (options: StateSyncServerOptions, origin: string | undefined) =>
  origin === undefined || (options.allowedOrigins ?? []).includes(origin);
