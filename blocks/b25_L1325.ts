import {
  createRevisionSync,
  type InvalidationEvent,
  type InvalidationSubscriber,
  type SnapshotApplier,
  type SnapshotEnvelope,
  type SnapshotProvider,
  type SnapshotRequest,
  type Unsubscribe,
} from '@statesync/core';

type Settings = { theme: 'light' | 'dark'; fontSize: number };

const subscriber: InvalidationSubscriber = {
  subscribe(handler: (event: InvalidationEvent) => void): Unsubscribe {
    const source = new EventSource('/api/events');
    source.addEventListener('invalidate', (message: MessageEvent<string>) => {
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        return; // not JSON: nothing the engine could use
      }
      // The engine validates it: a malformed event reaches onError as a `protocol` error.
      handler(event as InvalidationEvent);
    });
    // EventSource reconnects by itself; have the server announce its current revision to
    // each new connection, so a window that was offline catches up.
    return () => source.close();
  },
};

const provider: SnapshotProvider<Settings> = {
  async getSnapshot({ topic, signal }: SnapshotRequest): Promise<SnapshotEnvelope<Settings>> {
    // Passing the signal lets timeouts and stop() cancel the request itself.
    const response = await fetch(`/api/${topic}`, { signal, cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /api/${topic}: HTTP ${response.status}`);
    return (await response.json()) as SnapshotEnvelope<Settings>; // validated by the engine
  },
};

const applier: SnapshotApplier<Settings> = {
  apply({ data }) {
    document.documentElement.dataset.theme = data.theme;
    document.documentElement.style.fontSize = `${data.fontSize}px`;
  },
};

const sync = createRevisionSync<Settings>({ topic: 'settings', subscriber, provider, applier });
void sync.start();
window.addEventListener('pagehide', () => void sync.stop());
// Back from the back/forward cache: events may have been missed while frozen.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) void sync.refresh().catch(() => undefined);
});
