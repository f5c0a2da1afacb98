// One tab. Every tab follows the settings over a BroadcastChannel with the core engine; the
// leader tab (see leader.ts) also owns them. A tab never writes its own copy: it asks the
// leader, and shows whatever the leader's snapshot says.
import {
  createBroadcastChannelTransport,
  createConsoleLogger,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  randomId,
  type SyncStatus,
  tagLogger,
} from '@statesync/core';
import { lead } from './authority.js';
import { campaign } from './leader.js';
import {
  CHANNEL,
  DEFAULT_SETTINGS,
  LEADER_LOCK,
  type Settings,
  TOPIC,
  type WriteRequest,
} from './settings.js';

const tabId = randomId().slice(0, 6);
const logger = tagLogger(createConsoleLogger({ prefix: '[vanilla-tabs]' }), { tab: tabId });

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const themeInputs = document.querySelectorAll<HTMLInputElement>('input[name="theme"]');
const fontSize = $<HTMLInputElement>('font-size');
const fontSizeValue = $<HTMLOutputElement>('font-size-value');

let shown: Settings | undefined;

function render(settings: Settings): void {
  shown = settings;
  document.documentElement.dataset.theme = settings.theme;
  document.documentElement.style.setProperty('--font-size', `${settings.fontSize}px`);
  for (const input of themeInputs) input.checked = input.value === settings.theme;
  fontSize.value = String(settings.fontSize);
  fontSizeValue.value = String(settings.fontSize);
}

function renderStatus({ state, localRevision, epoch }: SyncStatus): void {
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('revision').textContent = localRevision ?? '–';
  $('epoch').textContent = epoch?.slice(0, 8) ?? '–';
}

const transport = createBroadcastChannelTransport(CHANNEL, { logger });
const sync = createRevisionSync<Settings>({
  topic: TOPIC,
  subscriber: createTransportSubscriber(transport),
  provider: createTransportProvider<Settings>(transport, TOPIC),
  applier: { apply: ({ data }) => render(data) },
  // Tabs answer within milliseconds. A pull that went out while the leader was changing hands
  // has nobody to answer it: give up on it soon and ask again.
  timeoutMs: 1_000,
  logger,
  onError: ({ phase, error }) => logger.warn(`sync ${phase}: ${error.message}`),
});

function write(changes: Partial<Settings>): void {
  const request: WriteRequest = { kind: 'vanilla-tabs/write', from: tabId, changes };
  transport.send(request);
}

for (const input of themeInputs) {
  input.addEventListener('change', () => {
    if (input.checked) write({ theme: input.value as Settings['theme'] });
  });
}
fontSize.addEventListener('input', () => {
  fontSizeValue.value = fontSize.value;
});
fontSize.addEventListener('change', () => write({ fontSize: Number(fontSize.value) }));

$('tab-id').textContent = tabId;
document.title = `vanilla-tabs · ${tabId}`;
sync.status.subscribe(renderStatus);

// Elect first, then pull: the first tab's own authority is there before its first pull.
await campaign(LEADER_LOCK, () => {
  lead(shown ?? { ...DEFAULT_SETTINGS }, logger);
  $('role').textContent = 'leader';
  $('role').dataset.role = 'leader';
});
await sync.start();
