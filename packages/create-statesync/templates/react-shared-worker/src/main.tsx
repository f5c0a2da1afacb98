import { useSharedStore, useStore } from '@statesync/react';
import { type FormEvent, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { app, todoStore } from './app.js';

function Todos() {
  // The mirrored state and the store's actions, which run on the authority. An action's
  // promise resolves once this tab shows its change.
  const { state, actions } = useSharedStore(todoStore);
  const mode = useStore(app.status, (status) => status.mode);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await actions.add(text);
      setText('');
      setError(undefined);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <main>
      <h1>To-dos in every tab</h1>
      <form onSubmit={submit}>
        <input
          data-testid="new-item"
          aria-label="New to-do"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <button data-testid="add" type="submit">
          Add
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      <ul>
        {state.items.map((todo) => (
          <li key={todo.id}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => actions.toggle(todo.id)} />
              <span data-testid="item">{todo.text}</span>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => actions.clearDone()}>
        Clear done
      </button>
      <p>
        Runs in: <span data-testid="mode">{mode}</span>. Open this page in another tab.
      </p>
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Todos />
  </StrictMode>,
);
