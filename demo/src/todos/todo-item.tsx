import type { ActionArgs, ActionName } from '@statesync/shared';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import type { Todo, todos } from '../model/todos.js';

/** Runs an action of the to-do store on the authority (errors are shown by the list). */
export type RunAction = <K extends ActionName<typeof todos>>(
  action: K,
  args: ActionArgs<typeof todos, K>,
) => Promise<unknown>;

export interface TodoItemProps {
  todo: Todo;
  /** Whether the item can move up, and down. */
  canMoveUp: boolean;
  canMoveDown: boolean;
  run: RunAction;
}

export function TodoItem({ todo, canMoveUp, canMoveDown, run }: TodoItemProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(todo.text);
  const checkboxId = `todo-${todo.id}`;

  const startEditing = () => {
    setDraft(todo.text);
    setEditing(true);
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    setEditing(false);
    if (draft.trim() !== '' && draft.trim() !== todo.text) void run('rename', [todo.id, draft]);
  };
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') setEditing(false);
  };

  return (
    <li className="todo" data-testid="todo-item" data-id={todo.id} data-done={todo.done}>
      {editing ? (
        <form className="todo-edit" onSubmit={save}>
          <label className="visually-hidden" htmlFor={`${checkboxId}-edit`}>
            Rename “{todo.text}”
          </label>
          <input
            id={`${checkboxId}-edit`}
            className="text-input"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={cancelOnEscape}
            // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to edit
            autoFocus
          />
          <button type="submit" className="button button-small">
            Save
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => setEditing(false)}
          >
            Cancel
          </button>
        </form>
      ) : (
        <>
          <input
            id={checkboxId}
            type="checkbox"
            className="todo-check"
            checked={todo.done}
            onChange={() => void run('toggle', [todo.id])}
          />
          <label htmlFor={checkboxId} className="todo-text" onDoubleClick={startEditing}>
            <span data-testid="todo-text">{todo.text}</span>
            <small className="todo-meta">from {todo.by}</small>
          </label>
          <div className="todo-actions">
            <button
              type="button"
              className="button button-icon"
              aria-label={`Move “${todo.text}” up`}
              title="Move up"
              disabled={!canMoveUp}
              onClick={() => void run('move', [todo.id, -1])}
            >
              ↑
            </button>
            <button
              type="button"
              className="button button-icon"
              aria-label={`Move “${todo.text}” down`}
              title="Move down"
              disabled={!canMoveDown}
              onClick={() => void run('move', [todo.id, 1])}
            >
              ↓
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              aria-label={`Edit “${todo.text}”`}
              onClick={startEditing}
            >
              Edit
            </button>
            <button
              type="button"
              className="button button-small button-danger"
              aria-label={`Delete “${todo.text}”`}
              onClick={() => void run('remove', [todo.id])}
            >
              Delete
            </button>
          </div>
        </>
      )}
    </li>
  );
}
