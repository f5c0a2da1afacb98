import {
  createConsoleLogger,
  type Logger,
  noopLogger,
  StateSyncError,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core/base';
import type { ServerTransport } from '../types.js';
import { checkAllowedOrigins, checkOrigin } from './check-origin.js';
import { checkScope } from './check-scope.js';
import {
  checkLinkName,
  createLinkServer,
  defaultLocks,
  isConnectMessage,
  type LockRequester,
  type MessageEventTarget,
  openLink,
  readConnect,
} from './connect-link.js';

export interface WindowServerTransportOptions {
  /**
   * The origins whose frames and windows may connect, exactly as browsers write them:
   * `'https://app.example.com'`, `'http://127.0.0.1:5173'` (scheme, host, port; no path, no
   * trailing slash). `'*'` is refused with `invalid_option`, and so is `'null'`: a link runs
   * actions on the authority, so any page able to frame or open this one could change the
   * state. There is no opt-in for it; list every origin instead.
   */
  allowedOrigins: readonly string[];
  /** The window children post to. @default globalThis */
  window?: MessageEventTarget;
  /**
   * Pairs children with this transport when a window hosts several apps; the client transport
   * must use the same. @default 'statesync'
   */
  name?: string;
  /** Told about refusals (warn), malformed connect messages (warn) and departures (debug). @default console, without debug lines */
  logger?: Logger;
  /**
   * Told about every connect message refused because of its origin, with an `origin_rejected`
   * error. Nothing is answered to the sender: it waits until its own timeout.
   */
  onRefused?(origin: string, error: StateSyncError): void;
  /**
   * Web Locks, to notice a child that went away without a `bye` (closed, crashed, navigated).
   * `null` turns this off (when the authority watches its clients by other means).
   * @default navigator.locks, where there is one
   */
  locks?: LockRequester | null;
}

/** The authority's side of frame and window links. */
export interface WindowServerTransport extends ServerTransport {
  /**
   * How many links are open: accepted, and neither closed by the authority (a `bye`, its
   * `dispose`) nor found gone. For tests and status displays.
   */
  connections(): number;
}

/**
 * Accepts links from iframes and detached windows, for the page that runs the authority. A
 * child posts a connect message carrying a `MessagePort` to this window; it is accepted only
 * when `event.origin` is in `allowedOrigins`, and the link is then that port. Everything else
 * posted to the window is left alone; refused connect messages are reported and never answered
 * (their port is closed).
 *
 * A child holds a Web Lock for as long as its link lives and names it in the connect message.
 * When this side can see that lock held (a same-origin child of the same storage partition), it
 * waits for it: once granted, the child is gone, and the link delivers a `bye` to the authority
 * as if the child had said it, then closes. Other children are forgotten on their `bye`.
 */
export function createWindowServerTransport(
  options: WindowServerTransportOptions,
): WindowServerTransport {
  const target = checkScope(
    'Window',
    options?.window ?? (globalThis as unknown as MessageEventTarget),
  );
  const allowed = checkAllowedOrigins(options?.allowedOrigins);
  const name = checkLinkName(options.name);
  const logger = options.logger ?? createConsoleLogger();
  const links = createLinkServer(logger, pickLocks(options.locks));

  const refuse = (event: MessageEvent) => {
    const origin = String(event.origin);
    const error = new StateSyncError(
      'origin_rejected',
      `refused a connection from ${origin}: not in allowedOrigins`,
    );
    logger.warn(error.message, { origin, name });
    for (const port of event.ports ?? []) port.close();
    try {
      options.onRefused?.(origin, error);
    } catch (thrown) {
      logger.error('onRefused threw', { error: thrown });
    }
  };

  return {
    connections: links.count,
    accept(onConnection): Unsubscribe {
      const onMessage = (event: MessageEvent) => {
        const { data } = event;
        // Another library's message, or another app's link in this window: not ours to judge.
        if (!isConnectMessage(data) || data.name !== name) return;
        if (!allowed.has(event.origin)) return refuse(event);
        const connect = readConnect(event);
        if (typeof connect === 'string') {
          logger.warn(`ignored a malformed connect message: ${connect}`, { origin: event.origin });
          for (const port of event.ports ?? []) port.close();
          return;
        }
        onConnection(links.serve(connect.port, connect.lock));
      };
      return links.listen(target, onMessage);
    },
  };
}

/** What a child needs of the window it links to: `window.parent` or `window.opener`. */
export interface WindowPostTarget {
  postMessage(message: unknown, targetOrigin: string, transfer: Transferable[]): void;
}

export interface WindowClientTransportOptions {
  /** The window that runs the authority: `window.parent` in an iframe, `window.opener` in a detached window. */
  target: WindowPostTarget;
  /**
   * The origin of `target`, exactly (e.g. `'https://app.example.com'`). The connect message,
   * and with it the link, is only delivered if `target` shows a page of that origin; `'*'` is
   * refused with `invalid_option`, since it would hand the link to whatever page is there.
   */
  targetOrigin: string;
  /** The `name` of the parent's server transport. @default 'statesync' */
  name?: string;
  /** Told about listeners that throw and messages that cannot be deserialised. @default noopLogger */
  logger?: Logger;
  /**
   * Web Locks, to hold the lock the parent watches; `null` turns this off.
   * @default navigator.locks, where there is one
   */
  locks?: LockRequester | null;
}

/**
 * A child's link to the authority in its parent or opener window: makes a `MessageChannel`,
 * posts one end to `target` in a connect message, and is a MessagePort transport on the other.
 * Where Web Locks exist, the connect message leaves once the child holds its lock; what is sent
 * before waits in the port. `close()` closes the port and lets go of the lock.
 */
export function createWindowClientTransport(options: WindowClientTransportOptions): Transport {
  const target = options?.target;
  if (typeof target?.postMessage !== 'function') {
    throw new StateSyncError(
      'invalid_option',
      'target must be a window: window.parent in an iframe, window.opener in a window opened by another',
    );
  }
  if (target === (globalThis as unknown)) {
    throw new StateSyncError(
      'invalid_option',
      'target is this window itself: window.parent of a page that is not in a frame',
    );
  }
  const targetOrigin = checkOrigin(options.targetOrigin, 'targetOrigin');
  const name = checkLinkName(options.name);
  return openLink(
    (message, port) => {
      try {
        target.postMessage(message, targetOrigin, [port]);
      } catch (error) {
        throw toStateSyncError(error, 'invalid_option', 'could not post to the target window');
      }
    },
    { name, logger: options.logger ?? noopLogger, locks: pickLocks(options.locks) },
  );
}

const pickLocks = (locks: LockRequester | null | undefined) =>
  locks === null ? undefined : (locks ?? defaultLocks());
