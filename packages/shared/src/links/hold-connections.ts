import type { Transport, Unsubscribe } from '@statesync/core/base';
import type { ServerTransport } from '../types.js';
import type { Held } from './replay-held.js';

/**
 * The held connections' ends (a transport end each), loaded as connections are first held:
 * only where an authority runs, and by the time it is ready.
 */
let replayCode: typeof import('./replay-held.js') | undefined;
const loadReplay = () =>
  import('./replay-held.js').then((loaded) => {
    replayCode = loaded;
    return loaded;
  });

/**
 * Accepts `server`'s connections now and keeps what they send until the returned transport is
 * accepted from (the authority is ready): then every held connection is handed over with its
 * messages replayed in order, and later ones go straight through.
 */
export function holdConnections(server: ServerTransport): ServerTransport & { stop: Unsubscribe } {
  const held: Held[] = [];
  let target: ((transport: Transport) => void) | undefined;
  const loading = replayCode ? Promise.resolve(replayCode) : loadReplay();
  loading.catch(() => {});

  const stop = server.accept((transport) => {
    if (target) {
      target(transport);
      return;
    }
    const entry: Held = { transport, queue: [], live: undefined };
    transport.subscribe((message) => {
      if (entry.live) entry.live(message);
      else entry.queue.push(message);
    });
    held.push(entry);
  });

  return {
    stop,
    ...(server.medium && { medium: server.medium }),
    accept(onConnection) {
      let stopped = false;
      const start = ({ replayHeld }: typeof import('./replay-held.js')) => {
        if (stopped) return;
        target = onConnection;
        for (const entry of held.splice(0)) onConnection(replayHeld(entry));
      };
      const loaded = replayCode;
      if (loaded) start(loaded);
      else {
        loading.then(start, () => {
          // Without their ends the held connections cannot be served: let their pages retry.
          for (const entry of held.splice(0)) entry.transport.close();
        });
      }
      return () => {
        stopped = true;
        target = undefined;
      };
    },
  };
}
