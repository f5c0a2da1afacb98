import { isStateSyncError, toStateSyncError, type Unsubscribe } from '@statesync/core/base';
import type { AuthorityHost } from '../authority/authority-host.js';
import { holdConnections } from '../links/hold-connections.js';
import type { HostLink } from '../modes/app-runtime.js';
import type { Report } from '../wire/report.js';

export const ignore = () => {};

/**
 * The authority of this page while its code still loads: a link given now is held (what its
 * client sends is kept) and served once the authority runs. A failure to start is reported once.
 */
export function hostLink(starting: Promise<AuthorityHost>, report: Report): HostLink {
  starting.catch((error: unknown) => {
    if (isStateSyncError(error, 'stopped')) return;
    report({ phase: 'connect', error: toStateSyncError(error, 'protocol', 'start the authority') });
  });
  const started = starting.then(ignore);
  // Whoever awaits it hears the failure, which is reported above in any case.
  started.catch(ignore);
  return {
    started,
    connect(transport) {
      const held = holdConnections({
        accept(onConnection) {
          onConnection(transport);
          return ignore;
        },
      });
      let drop: Unsubscribe | undefined;
      let dropped = false;
      starting.then((host) => {
        held.accept((replayed) => {
          if (!dropped) drop = host.connect(replayed);
        });
      }, ignore);
      return () => {
        dropped = true;
        drop?.();
      };
    },
  };
}
