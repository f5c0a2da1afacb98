// The popup: add to the reading list and tick entries off. It renders the mirror of the
// background's stores by hand; every change is an action the background runs (spawn), and the
// promise resolves once this page shows it.
import { spawn } from '@statesync/shared';
import { type Entry, preferences, readingList } from './app.js';
import { $, showError, startClient } from './client.js';
import { addedTime, entryTitle } from './entry-title.js';

const app = startClient();
const list = app.store(readingList);
const prefs = app.store(preferences);

function entryItem(entry: Entry): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.testid = 'entry';
  const read = document.createElement('input');
  read.type = 'checkbox';
  read.checked = entry.read;
  read.dataset.testid = 'entry-read';
  read.setAttribute('aria-label', `${entry.title} read`);
  read.addEventListener('change', () => {
    spawn(list, 'toggleRead', [entry.id]).then(
      () => showError(),
      (error: unknown) => {
        showError(error);
        render(); // the checkbox shows the state as it is again
      },
    );
  });
  item.append(read, entryTitle(entry), addedTime(entry));
  return item;
}

function render(): void {
  const { entries } = list.getState();
  const { hideRead } = prefs.getState();
  const shown = hideRead ? entries.filter((entry) => !entry.read) : entries;
  $('entries').replaceChildren(...shown.map(entryItem));
  $('unread').textContent = `${entries.filter((entry) => !entry.read).length} unread`;
  const hidden = entries.length - shown.length;
  $('hidden').textContent = hidden > 0 ? `${hidden} read hidden` : '';
}

$<HTMLFormElement>('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('new-entry');
  const text = input.value;
  try {
    await spawn(list, 'add', [text]);
    // The next entry may have been typed while this one was saved: keep it.
    if (input.value === text) input.value = '';
    showError();
  } catch (error) {
    showError(error);
  }
});

list.subscribe(render);
prefs.subscribe(render);
// After `ready` the mirror holds the background's list: no flash of an empty one.
void app.ready.then(render);
