// The collaborative to-do list: renders the mirror of the `todos` store and asks the authority
// to change it with `spawn`. The filter belongs to this window alone.
import { useStore } from '@statesync/react';
import { type StoreHandle, spawn } from '@statesync/shared';
import { type FormEvent, useId, useState } from 'react';
import { MAX_TODO_LENGTH, type todos } from '../model/todos.js';
import type { LatencyMeter } from '../sync/latency.js';
import { type RunAction, TodoItem } from './todo-item.js';

type Filter = 'all' | 'open' | 'done';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'done', label: 'Done' },
];

export interface TodoListProps {
  store: StoreHandle<typeof todos>;
  meter: LatencyMeter;
  /** This window's name, stored with the to-dos it adds. */
  by: string;
  /** A smaller heading, for the panel window. */
  compact?: boolean;
}

export function TodoList({ store, meter, by, compact = false }: TodoListProps) {
  const items = useStore(store, (state) => state.items);
  const [filter, setFilter] = useState<Filter>('all');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const inputId = useId();

  const run: RunAction = (action, args) => {
    setError('');
    // spawn resolves once this window shows the change: that is the time measured.
    return meter
      .measure('to-do', () => spawn(store, action, args))
      .catch((failure: unknown) => {
        setError(failure instanceof Error ? failure.message : String(failure));
      });
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') return;
    setText('');
    void run('add', [text, by]);
  };

  const open = items.filter((todo) => !todo.done).length;
  const done = items.length - open;
  const shown = items.filter((todo) =>
    filter === 'all' ? true : filter === 'open' ? !todo.done : todo.done,
  );

  return (
    <section className="card todos" aria-labelledby={`${inputId}-title`}>
      <header className="card-header">
        <div>
          {compact ? (
            <h1 id={`${inputId}-title`}>To-dos</h1>
          ) : (
            <h2 id={`${inputId}-title`}>To-dos</h2>
          )}
          <p className="card-subtitle">
            React · one authority (a SharedWorker or an elected tab), actions by spawn
          </p>
        </div>
        <fieldset className="filters">
          <legend className="visually-hidden">Show</legend>
          {FILTERS.map(({ value, label }) => (
            <button
              key={value}
              type="button"
              className="chip"
              aria-pressed={filter === value}
              onClick={() => setFilter(value)}
            >
              {label}
            </button>
          ))}
        </fieldset>
      </header>

      <form className="todo-new" onSubmit={add}>
        <label className="visually-hidden" htmlFor={inputId}>
          New to-do
        </label>
        <input
          id={inputId}
          className="text-input"
          placeholder="What needs doing?"
          autoComplete="off"
          maxLength={MAX_TODO_LENGTH}
          value={text}
          data-testid="todo-input"
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button button-primary" data-testid="todo-add">
          Add
        </button>
      </form>

      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}

      {shown.length === 0 ? (
        <p className="empty">
          {items.length === 0 ? 'Nothing to do. Add a to-do above.' : `No ${filter} to-dos.`}
        </p>
      ) : (
        <ul className="todo-list" aria-label="To-dos" data-testid="todo-list">
          {shown.map((todo, index) => (
            <TodoItem
              key={todo.id}
              todo={todo}
              // Reordering a filtered list would swap with hidden items: only in "All".
              canMoveUp={filter === 'all' && index > 0}
              canMoveDown={filter === 'all' && index < shown.length - 1}
              run={run}
            />
          ))}
        </ul>
      )}

      <footer className="card-footer">
        <span data-testid="todo-counts">
          {open} open · {done} done
        </span>
        <button
          type="button"
          className="button button-small button-quiet"
          disabled={done === 0}
          onClick={() => void run('clearCompleted', [])}
        >
          Clear completed
        </button>
      </footer>
    </section>
  );
}
