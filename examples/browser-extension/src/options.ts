// The options page: the preferences, and the whole list with a way to remove entries. Another
// client of the background, in a tab of its own; it shows what the popup does as it happens.
import { spawn } from '@statesync/shared';
import { type Entry, preferences, readingList } from './app.js';
import { $, showError, startClient } from './client.js';
import { addedTime, entryTitle } from './entry-title.js';

const app = startClient();
const list = app.store(readingList);
const prefs = app.store(preferences);

/** Runs an action; if it fails, says why and shows the state as it is again. */
const run = (call: Promise<unknown>) => {
  call.then(
    () => showError(),
    (error: unknown) => {
      showError(error);
      render();
    },
  );
};

function entryRow(entry: Entry): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.testid = 'entry';
  const read = document.createElement('span');
  read.dataset.testid = 'entry-state';
  read.textContent = entry.read ? 'read' : 'unread';
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.dataset.testid = 'remove';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => run(spawn(list, 'remove', [entry.id])));
  item.append(entryTitle(entry), read, addedTime(entry), remove);
  return item;
}

function render(): void {
  const { entries } = list.getState();
  $<HTMLInputElement>('hide-read').checked = prefs.getState().hideRead;
  $('entries').replaceChildren(...entries.map(entryRow));
  $('total').textContent = `${entries.length} saved`;
}

$<HTMLInputElement>('hide-read').addEventListener('change', (event) => {
  run(spawn(prefs, 'setHideRead', [(event.currentTarget as HTMLInputElement).checked]));
});
$('clear-read').addEventListener('click', () => run(spawn(list, 'clearRead', [])));

list.subscribe(render);
prefs.subscribe(render);
void app.ready.then(render);
