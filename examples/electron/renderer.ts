// One window's page. It sees only the bridge the preload exposed: it mirrors the main process's
// settings with the core engine and asks the main process for every change.
import { parseSnapshot } from '@statesync/core';
import { createElectronRevisionSync, type StateSyncBridge } from '@statesync/electron';
import { OPEN_WINDOW_CHANNEL, type Settings, TOPIC, WRITE_CHANNEL } from './settings.js';

/** What preload.ts exposed: contextBridge copied it into this page as `window.statesync`. */
interface Preloaded {
  statesync: StateSyncBridge;
}

const bridge = (window as unknown as Preloaded).statesync;
const windowId = crypto.randomUUID();

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const themeInputs = document.querySelectorAll<HTMLInputElement>('input[name="theme"]');
const fontSize = $<HTMLInputElement>('font-size');
const fontSizeValue = $<HTMLOutputElement>('font-size-value');

function render(settings: Settings): void {
  document.documentElement.dataset.theme = settings.theme;
  document.documentElement.style.setProperty('--font-size', `${settings.fontSize}px`);
  for (const input of themeInputs) input.checked = input.value === settings.theme;
  fontSize.value = String(settings.fontSize);
  fontSizeValue.value = String(settings.fontSize);
}

function showError(message: string | undefined): void {
  $('error').hidden = message === undefined;
  $('error').textContent = message ?? '';
}

const sync = createElectronRevisionSync<Settings>({
  topic: TOPIC,
  bridge,
  applier: { apply: ({ data }) => render(data) },
  // Electron delivers the event of this window's write before the write's reply: skip its pull,
  // the reply brings the same snapshot.
  shouldRefresh: (event) => event.sourceId !== windowId,
  onError: ({ phase, error }) => showError(`${phase}: ${error.message}`),
});
sync.status.subscribe(({ state, localRevision }) => {
  $('state').textContent = state;
  $('revision').textContent = localRevision ?? '–';
  if (state === 'synced') showError(undefined);
});

async function write(changes: Partial<Settings>): Promise<void> {
  try {
    const reply = parseSnapshot<Settings>(await bridge.invoke(WRITE_CHANNEL, changes, windowId));
    // Show the reply only if it moved this window: something newer may have arrived first.
    const before = sync.getLocalRevision();
    sync.setLocalRevision(reply.revision, reply.epoch);
    if (sync.getLocalRevision() !== before) render(reply.data);
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
$('open-window').addEventListener('click', () => void bridge.invoke(OPEN_WINDOW_CHANNEL));
window.addEventListener('beforeunload', () => void sync.stop());

void sync.start();
