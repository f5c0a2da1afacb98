// One window of the demo. It never trusts its own copy of the settings: writes go to the server,
// and whatever the server says (pulled as a snapshot) is what the window shows.
import {
  compareRevisions,
  createConsoleLogger,
  createRevisionSync,
  type InvalidationEvent,
  type InvalidationSubscriber,
  type SnapshotApplier,
  type SnapshotEnvelope,
  type SnapshotProvider,
  type SyncStatus,
  tagLogger,
} from '@statesync/core';
import type { Settings } from '../server.mjs';

const windowId = new URLSearchParams(location.search).get('window') ?? shortId();
const logger = tagLogger(createConsoleLogger({ debug: true }), { windowId });

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const form = $<HTMLFormElement>('settings');
const themeInputs = form.querySelectorAll<HTMLInputElement>('input[name="theme"]');
const fontSize = $<HTMLInputElement>('font-size');
const fontSizeValue = $<HTMLOutputElement>('font-size-value');
const displayName = $<HTMLInputElement>('display-name');
const greetingName = $('greeting-name');
const errorLine = $('error');

/** Invalidations arrive over Server-Sent Events; the engine validates each one. */
const subscriber: InvalidationSubscriber = {
  subscribe(handler) {
    const source = new EventSource('/api/events');
    const onInvalidate = (message: MessageEvent<string>) => {
      try {
        handler(JSON.parse(message.data) as InvalidationEvent);
      } catch (error) {
        logger.warn('unreadable invalidation event', { data: message.data, error });
      }
    };
    source.addEventListener('invalidate', onInvalidate);
    return () => {
      source.removeEventListener('invalidate', onInvalidate);
      source.close();
    };
  },
};

/** Snapshots come from the server, the only source of truth. */
const provider: SnapshotProvider<Settings> = {
  async getSnapshot({ signal }) {
    const response = await fetch('/api/settings', { signal, cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /api/settings answered ${response.status}`);
    return (await response.json()) as SnapshotEnvelope<Settings>;
  },
};

let shownName: string | undefined;

const applier: SnapshotApplier<Settings> = {
  apply({ data }) {
    document.documentElement.dataset.theme = data.theme;
    document.documentElement.style.setProperty('--font-size', `${data.fontSize}px`);
    for (const input of themeInputs) input.checked = input.value === data.theme;
    fontSize.value = String(data.fontSize);
    fontSizeValue.value = String(data.fontSize);
    // Do not overwrite a name the user is still typing in this window.
    const editing = document.activeElement === displayName && displayName.value !== shownName;
    if (!editing) displayName.value = data.displayName;
    shownName = data.displayName;
    greetingName.textContent = data.displayName || 'stranger';
  },
};

const sync = createRevisionSync<Settings>({
  topic: 'settings',
  subscriber,
  provider,
  applier,
  logger,
  onError: ({ phase, error }) => showError(`${phase}: ${error.message}`),
});

function renderStatus(status: SyncStatus): void {
  const state = $('state');
  state.textContent = status.state;
  state.dataset.state = status.state;
  $('revision').textContent = status.localRevision ?? '–';
  $('epoch').textContent = status.epoch ? status.epoch.slice(0, 8) : '–';
  $('epoch').title = status.epoch ?? '';
  if (status.state === 'synced') showError(undefined);
}

function showError(message: string | undefined): void {
  errorLine.hidden = message === undefined;
  errorLine.textContent = message ?? '';
}

/** Sends a change to the server, then pulls until this window shows the result. */
async function write(changes: Partial<Settings>): Promise<void> {
  try {
    const response = await fetch('/api/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...changes, sourceId: windowId }),
    });
    const reply = (await response.json()) as { revision: string; epoch: string; error?: string };
    if (!response.ok)
      throw new Error(reply.error ?? `POST /api/settings answered ${response.status}`);
    logger.info('write accepted', { revision: reply.revision, changes });
    // Read your own write: pull now unless the invalidation already brought this window there.
    // Either way the echo of the write is skipped by the revision gate.
    const { localRevision, epoch } = sync.status.getState();
    const shown =
      epoch === reply.epoch &&
      localRevision !== undefined &&
      compareRevisions(localRevision, reply.revision) >= 0;
    if (!shown) await sync.refresh();
  } catch (error) {
    showError(`could not save: ${(error as Error).message}`);
  }
}

for (const input of themeInputs) {
  input.addEventListener('change', () => {
    if (input.checked) void write({ theme: input.value as Settings['theme'] });
  });
}
fontSize.addEventListener('input', () => {
  fontSizeValue.value = fontSize.value;
});
fontSize.addEventListener('change', () => void write({ fontSize: Number(fontSize.value) }));
displayName.addEventListener('change', () => void write({ displayName: displayName.value }));
form.addEventListener('submit', (event) => event.preventDefault());

$('open-window').addEventListener('click', () => {
  window.open(`/?window=${shortId()}`, '_blank', 'popup,width=560,height=760');
});

$('window-id').textContent = windowId;
document.title = `statesync · ${windowId}`;
renderStatus(sync.status.getState());
sync.status.subscribe(renderStatus);
void sync.start();

function shortId(): string {
  return Math.random().toString(36).slice(2, 8);
}
