import { StateSyncError } from '@statesync/core/base';

const ORIGIN = /^[a-z][a-z\d+.-]*:\/\/[^/?#\s@]+$/;

/** An exact origin as browsers write `event.origin`, or `invalid_option`. */
export function checkOrigin(origin: unknown, what: string): string {
  if (origin === '*') {
    throw new StateSyncError(
      'invalid_option',
      `${what}: '*' is not accepted; name the exact origin, such as 'https://app.example.com'`,
    );
  }
  const invalid = () =>
    new StateSyncError(
      'invalid_option',
      `${what} must be an exact origin such as 'https://app.example.com' (scheme, host and port; no path), got ${JSON.stringify(origin)}`,
    );
  if (typeof origin !== 'string' || !ORIGIN.test(origin) || origin !== origin.toLowerCase()) {
    throw invalid();
  }
  let canonical: string;
  try {
    canonical = new URL(origin).origin;
  } catch {
    throw invalid();
  }
  // URL says 'null' for schemes it does not know (chrome-extension: in Node): taken as written.
  if (canonical !== 'null' && canonical !== origin) {
    throw new StateSyncError(
      'invalid_option',
      `${what}: write ${JSON.stringify(origin)} as ${JSON.stringify(canonical)}, as browsers report it`,
    );
  }
  return origin;
}

/** The origins a window authority accepts links from, each checked; `invalid_option` otherwise. */
export function checkAllowedOrigins(allowedOrigins: unknown): Set<string> {
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new StateSyncError(
      'invalid_option',
      'allowedOrigins must list at least one origin, such as location.origin',
    );
  }
  return new Set(allowedOrigins.map((origin) => checkOrigin(origin, 'allowedOrigins')));
}
