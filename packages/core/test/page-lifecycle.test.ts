import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRevisionSync } from '../src/index.js';
import { watchPageLifecycle } from '../src/page-lifecycle.js';
import { instantProvider, manualSubscriber, recordingApplier } from './fixtures.js';

// Node has no page, so these tests lend it the two event targets a page has (window and
// document); e2e/ checks the same wiring in Chromium, with a real back/forward cache.
const page = globalThis as unknown as Record<string, unknown>;
let win: EventTarget;
let doc: EventTarget & { visibilityState: string };

beforeEach(() => {
  win = new EventTarget();
  doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
  page.addEventListener = win.addEventListener.bind(win);
  page.removeEventListener = win.removeEventListener.bind(win);
  page.document = doc;
});
afterEach(() => {
  delete page.addEventListener;
  delete page.removeEventListener;
  delete page.document;
});

const pageShow = (persisted: boolean) =>
  Object.assign(new Event('pageshow'), { persisted }) as Event;

describe('watchPageLifecycle', () => {
  it('fires on bfcache restore, becoming visible, resume and online; not otherwise', () => {
    let calls = 0;
    const off = watchPageLifecycle(() => calls++);
    win.dispatchEvent(pageShow(false));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toBe(0);
    win.dispatchEvent(pageShow(true));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.dispatchEvent(new Event('resume'));
    win.dispatchEvent(new Event('online'));
    expect(calls).toBe(4);
    off();
    win.dispatchEvent(pageShow(true));
    expect(calls).toBe(4);
  });

  it('does nothing without a page', () => {
    delete page.document;
    expect(() => watchPageLifecycle(() => {})()).not.toThrow();
  });
});

describe('resyncOnResume', () => {
  it('a page made visible again catches up on a change it missed', async () => {
    const provider = instantProvider({ revision: '1', data: 1 });
    const record = recordingApplier<number>();
    const sync = createRevisionSync({
      topic: 't',
      subscriber: manualSubscriber(),
      provider,
      applier: record.applier,
    });
    await sync.start();
    provider.set({ revision: '2', data: 2 });
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    for (let i = 0; i < 20 && sync.getLocalRevision() !== '2'; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(record.revisions()).toEqual(['1', '2']);
    expect(provider.count).toBe(2);
    await sync.stop();
    win.dispatchEvent(pageShow(true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(provider.count).toBe(2);
  });

  it('can be turned off', async () => {
    const provider = instantProvider({ revision: '1', data: 1 });
    const sync = createRevisionSync({
      topic: 't',
      subscriber: manualSubscriber(),
      provider,
      applier: recordingApplier<number>().applier,
      resyncOnResume: false,
    });
    await sync.start();
    win.dispatchEvent(pageShow(true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(provider.count).toBe(1);
    await sync.stop();
  });
});
