import type { Entry } from './app.js';

/** An entry's title: a link that opens in a new tab when the entry is a web address. */
export function entryTitle(entry: Entry): HTMLElement {
  const title = document.createElement(entry.url ? 'a' : 'span');
  title.className = 'title';
  title.dataset.testid = 'entry-title';
  title.textContent = entry.title;
  if (title instanceof HTMLAnchorElement && entry.url) {
    title.href = entry.url;
    title.target = '_blank';
    title.rel = 'noreferrer';
  }
  return title;
}

/** When an entry was added; `added` is a real Date even though the port carried JSON. */
export function addedTime(entry: Entry): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = entry.added.toISOString();
  time.textContent = entry.added.toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'short',
  });
  return time;
}
