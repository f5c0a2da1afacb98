// One tab: a client of the worker. React renders the mirror of the todo list with useStore, and
// every change is an action the worker runs (spawn). Written with createElement so that it
// type-checks as plain TypeScript; JSX works the same way.
import { useStore } from '@statesync/react';
import { createSharedApp, spawn } from '@statesync/shared';
import { type FormEvent, createElement as h, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { APP_NAME, type Todo, todos } from './todos.js';

const app = createSharedApp({
  stores: [todos],
  share: {
    name: APP_NAME,
    port: 'client',
    type: 'SharedWorker',
    // The worker's bundle, served next to this one.
    workerURL: new URL('./worker.js', import.meta.url),
  },
});
const store = app.store(todos);

function AddTodo() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await spawn(store, 'add', [text]); // runs in the worker; resolves once this tab shows it
      setText('');
      setError(undefined);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return h(
    'form',
    { onSubmit: submit },
    h('input', {
      value: text,
      placeholder: 'What needs doing?',
      'aria-label': 'New todo',
      'data-testid': 'new-todo',
      onChange: (event: FormEvent<HTMLInputElement>) => setText(event.currentTarget.value),
    }),
    h('button', { type: 'submit', 'data-testid': 'add' }, 'Add'),
    error === undefined ? null : h('p', { role: 'alert' }, error),
  );
}

function TodoItem({ todo }: { todo: Todo }) {
  return h(
    'li',
    { 'data-testid': 'todo' },
    h(
      'label',
      null,
      h('input', {
        type: 'checkbox',
        checked: todo.done,
        onChange: () => void spawn(store, 'toggle', [todo.id]),
      }),
      ` ${todo.text}`,
    ),
  );
}

function TodoList() {
  // Re-renders when the list changes; each item keeps its identity until it changes itself.
  const items = useStore(store, (state) => state.items);
  const open = items.filter((todo) => !todo.done).length;
  return h(
    'section',
    null,
    h('ul', null, ...items.map((todo) => h(TodoItem, { key: todo.id, todo }))),
    h(
      'p',
      null,
      h('span', { 'data-testid': 'open-count' }, `${open} open`),
      ' ',
      h(
        'button',
        { type: 'button', onClick: () => void spawn(store, 'clearDone', []) },
        'Clear done',
      ),
    ),
  );
}

function Status() {
  const state = useStore(store.status, (status) => status.state);
  const revision = useStore(store.status, (status) => status.localRevision);
  return h(
    'footer',
    null,
    h('span', { 'data-testid': 'mode' }, app.mode),
    h('span', { 'data-testid': 'state' }, state),
    h('span', null, 'revision ', h('code', { 'data-testid': 'revision' }, revision ?? '–')),
  );
}

// After `ready` the mirror holds what the other tabs did before: no flash of an empty list.
await app.ready;
createRoot(document.getElementById('root') as HTMLElement).render(
  h(StrictMode, null, h('main', null, h('h1', null, 'Todos'), h(AddTodo), h(TodoList), h(Status))),
);
