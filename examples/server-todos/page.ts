import { createServerConnector, createSharedApp, spawn } from '@statesync/shared';
import { todos } from './todos';

// Every instance the page may use; a lost socket moves to the next one.
const urls = (document.body.dataset.servers ?? 'ws://127.0.0.1:8081').split(',');

const app = createSharedApp({
  stores: [todos],
  share: {
    name: 'server-todos',
    version: '1',
    type: 'Window',
    port: 'client',
    connector: createServerConnector({ url: urls }),
  },
});

const list = document.querySelector<HTMLUListElement>('#todos')!;
const form = document.querySelector<HTMLFormElement>('#add')!;
const input = form.querySelector<HTMLInputElement>('input')!;
const store = app.store(todos);

const render = () => {
  list.replaceChildren(
    ...store.getState().items.map((item) => {
      const entry = document.createElement('li');
      entry.textContent = `${item.done ? '✓' : '○'} ${item.text}`;
      entry.onclick = () => void spawn(store, 'toggle', [item.id]);
      return entry;
    }),
  );
};
store.subscribe(render);
await app.ready;
render();
form.onsubmit = (event) => {
  event.preventDefault();
  const text = input.value;
  void spawn(store, 'add', [text]).then(() => {
    // The next to-do may have been typed while this one was saved: keep it.
    if (input.value === text) input.value = '';
  });
};
