import {
  type Logger,
  noopLogger,
  PROTOCOL_VERSION,
  StateSyncError,
  type Transport,
  type Unsubscribe,
} from '@statesync/core/base';
import type { ClientConnector, ServerTransport } from '../types.js';
import { DEFAULT_LINK_NAME } from '../wire/names.js';
import { extensionRuntime } from './extension-runtime.js';
import {
  createRuntimePortTransport,
  type RuntimeLike,
  type RuntimePortLike,
} from './runtime-port-transport.js';

export interface ExtensionTransportOptions<R> {
  /** The extension's runtime. @default globalThis.chrome.runtime */
  runtime?: R;
  /** The name of this app's ports; ports with other names are left to other code. @default 'statesync' */
  portName?: string;
  /** Told about listeners that throw and messages that cannot be decoded. @default noopLogger */
  logger?: Logger;
}

export type ExtensionServerOptions = ExtensionTransportOptions<
  Pick<RuntimeLike, 'onConnect' | 'lastError'>
>;
export type ExtensionClientOptions = ExtensionTransportOptions<
  Pick<RuntimeLike, 'connect' | 'lastError'>
>;

/**
 * The authority's side in an extension: a client link for every port that a page, popup or
 * content script opens with `runtime.connect({ name: portName })`. Create it (and the app) at
 * the top level of the background script, not after an `await`: the browser wakes a stopped
 * background worker for the `onConnect` event, and delivers it only to listeners added while
 * the script first ran. A port that disconnects counts as a `bye` from its client.
 */
export function createExtensionServerTransport(
  options: ExtensionServerOptions = {},
): ServerTransport {
  const runtime = extensionRuntime(options.runtime, 'onConnect');
  const portName = options.portName ?? DEFAULT_LINK_NAME;
  const logger = options.logger ?? noopLogger;
  return {
    medium: 'json',
    accept(onConnection): Unsubscribe {
      const onConnect = (port: RuntimePortLike) => {
        if (port.name !== portName) return;
        onConnection(
          createRuntimePortTransport(port, {
            logger,
            runtime,
            onGone: () => {},
            // The authority forgets the client at once instead of at its next failed send.
            farewell: { v: PROTOCOL_VERSION, type: 'bye' },
          }),
        );
      };
      runtime.onConnect.addListener(onConnect);
      return () => runtime.onConnect.removeListener(onConnect);
    },
  };
}

function openPort(
  options: ExtensionClientOptions,
  onGone: (reason: string) => void,
  runtime: Pick<RuntimeLike, 'connect' | 'lastError'>,
): Transport {
  const name = options.portName ?? DEFAULT_LINK_NAME;
  let port: RuntimePortLike;
  try {
    port = runtime.connect({ name });
  } catch (error) {
    // The extension was reloaded or removed under this page: its runtime is gone for good.
    const detail = error instanceof Error ? error.message : String(error);
    throw new StateSyncError('stopped', `could not connect to the extension: ${detail}`, {
      cause: error,
    });
  }
  return createRuntimePortTransport(port, {
    logger: options.logger ?? noopLogger,
    runtime,
    onGone,
  });
}

/**
 * Opens links from an extension page (popup, options, side panel, content script) to the
 * authority in the background. Each `connect` opens a port; when the background worker stops
 * (the browser ends an idle one, or the extension updates), the port disconnects and `onLost`
 * is called; connecting again wakes the worker. `connect` throws `stopped` when the extension
 * itself is gone (reloaded or removed): that page must be reloaded.
 */
export function createExtensionConnector(options: ExtensionClientOptions = {}): ClientConnector {
  const runtime = extensionRuntime(options.runtime, 'connect');
  return {
    connect(onLost) {
      let lost = false;
      return openPort(
        options,
        (reason) => {
          if (lost) return;
          lost = true;
          onLost(reason);
        },
        runtime,
      );
    },
  };
}

/**
 * One link to the background, without reconnecting: what `share.transport` takes. When the
 * background worker stops, the link is gone and later sends are dropped; `logger` hears why.
 */
export function createExtensionClientTransport(options: ExtensionClientOptions = {}): Transport {
  const runtime = extensionRuntime(options.runtime, 'connect');
  const logger = options.logger ?? noopLogger;
  return openPort(
    options,
    (reason) => logger.warn('the link to the background is gone', { reason }),
    runtime,
  );
}
