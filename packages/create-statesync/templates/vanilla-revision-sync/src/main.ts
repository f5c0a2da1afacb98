// One tab: it follows the list by revision sync. When it hears of a revision newer than the one
// it shows, it pulls the whole list from the worker and shows it, only if it is still newer.
import {
  createBroadcastChannelTransport,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  randomId,
} from '@statesync/core';
import { type AddRequest, CHANNEL, type List, TOPIC } from './list.js';

// Vite bundles the worker on its own, as an ES module. Every tab of the origin gets the same one.
new SharedWorker(new URL('./worker.ts', import.meta.url), { type: 'module', name: CHANNEL });

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const tabId = randomId();
const transport = createBroadcastChannelTransport(CHANNEL);

function render(list: List): void {
  $('items').replaceChildren(
    ...list.items.map((text) => {
      const item = document.createElement('li');
      item.dataset.testid = 'item';
      item.textContent = text;
      return item;
    }),
  );
}

const sync = createRevisionSync<List>({
  topic: TOPIC,
  subscriber: createTransportSubscriber(transport),
  provider: createTransportProvider<List>(transport, TOPIC),
  applier: { apply: ({ data }) => render(data) },
  // The worker answers within milliseconds; a pull sent before it started is asked again soon.
  timeoutMs: 1_000,
});
sync.status.subscribe(({ state, localRevision }) => {
  $('state').textContent = state;
  $('revision').textContent = localRevision ?? '–';
});

$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('new-item') as HTMLInputElement;
  const request: AddRequest = { kind: 'list/add', text: input.value, from: tabId };
  transport.send(request);
  input.value = '';
});

await sync.start();
