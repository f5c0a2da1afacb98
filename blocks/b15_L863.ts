import { StateSyncError, type Transport, type Unsubscribe } from '@statesync/core';

// A Transport over BroadcastChannel: the same channel object sends and listens, so an end
// never hears its own messages.
export function broadcastTransport(name: string): Transport {
  const listeners = new Set<(message: unknown) => void>();
  let channel: BroadcastChannel | undefined;
  let closed = false;

  const open = (): BroadcastChannel => {
    if (channel) return channel;
    const opened = new BroadcastChannel(name);
    opened.onmessage = (event: MessageEvent) => {
      for (const listener of [...listeners]) {
        try {
          listener(event.data);
        } catch (error) {
          reportError(error); // one broken listener must not starve the others
        }
      }
    };
    channel = opened;
    return opened;
  };

  return {
    send(message) {
      if (closed) throw new StateSyncError('stopped', `channel ${name} is closed`);
      try {
        open().postMessage(message);
      } catch (error) {
        throw new StateSyncError('not_cloneable', `message cannot be structured-cloned`, {
          cause: error,
        });
      }
    },
    subscribe(listener): Unsubscribe {
      if (closed) throw new StateSyncError('stopped', `channel ${name} is closed`);
      const own = (message: unknown) => listener(message); // the same function twice = two subscriptions
      listeners.add(own);
      open();
      return () => {
        listeners.delete(own);
        if (listeners.size === 0) {
          channel?.close(); // nothing left open after the last unsubscribe
          channel = undefined;
        }
      };
    },
    close() {
      closed = true;
      listeners.clear();
      channel?.close();
      channel = undefined;
    },
  };
}
