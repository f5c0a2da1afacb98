// DevTools time travel across a SharedTab failover, in Node: "tabs" are apps in one process over
// Node's real BroadcastChannel, elected by heartbeats (no Web Locks here). A state the panel
// travelled to is shown by every tab but is not the truth: a leader that goes away while it is
// shown must leave the live state to the tab elected next, never the travelled one.
import { afterEach, describe, expect, it } from 'vitest';
import { createDevtoolsStandIn, type StandInInstance } from '../../core/test/devtools-stand-in.js';
import { connectDevtools, serveDevtools } from '../src/devtools.js';
import { createSharedApp, type SharedApp, type SharedStorage, spawn } from '../src/index.js';
import { todos } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const apps: SharedApp[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

async function until(check: () => boolean, what: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let appNumber = 0;
/** Three tabs that each serve DevTools when elected; a follower shows a stand-in panel. */
async function tabs(storage?: SharedStorage) {
  const name = `devtools-failover-${++appNumber}`;
  const all = Array.from({ length: 3 }, () => {
    const app = createSharedApp({
      stores: [todos],
      share: { name, type: 'SharedTab', ...(storage && { storage }) },
      logger: quiet,
    });
    apps.push(app);
    stops.push(serveDevtools(app));
    return app;
  });
  await Promise.all(all.map((app) => app.ready));
  const leader = all.find((app) => app.role === 'leader')!;
  const followers = all.filter((app) => app !== leader) as [SharedApp, SharedApp];
  const { connect, instances } = createDevtoolsStandIn();
  stops.push(connectDevtools(followers[0], { connect }));
  const panel = () => instances.get(`${name}/todos`) as StandInInstance;
  await until(() => panel()?.sent.length > 0, 'the panel to start');
  return { leader, followers, panel };
}

const shown = (app: SharedApp) =>
  app
    .store(todos)
    .getState()
    .items.map((todo) => todo.text)
    .join();

describe('time travel and a SharedTab failover', () => {
  it('a leader that goes while a travelled state is shown leaves the live state to the next', async () => {
    const { leader, followers, panel } = await tabs();
    for (const text of ['milk', 'eggs', 'tea'])
      await spawn(followers[1].store(todos), 'add', [text]);
    await until(() => panel().types().length === 4, 'three actions in the panel');
    panel().jumpToAction(1);
    await until(() => followers.every((app) => shown(app) === 'milk'), 'every tab to travel');

    await leader.dispose();
    await until(() => followers.some((app) => app.role === 'leader'), 'a new leader');
    await until(
      () => followers.every((app) => shown(app) === 'milk,eggs,tea'),
      'every tab to show the live state',
    );
    // The live state goes on from where it was: the next call builds on it.
    await spawn(followers[1].store(todos), 'add', ['jam']);
    await until(
      () => followers.every((app) => shown(app) === 'milk,eggs,tea,jam'),
      'the next call on the live state',
    );
  }, 20_000);

  it('a state travelled to and left again is no copy either: the live one with its calls is', async () => {
    const records = new Map<string, unknown>();
    const storage: SharedStorage = {
      get: (key) => structuredClone(records.get(key)),
      set: (key, value) => {
        records.set(key, structuredClone(value));
      },
    };
    const { leader, followers, panel } = await tabs(storage);
    for (const text of ['milk', 'eggs']) await spawn(followers[0].store(todos), 'add', [text]);
    await until(() => panel().types().length === 3, 'two actions in the panel');
    panel().jumpToAction(0);
    await until(() => followers.every((app) => shown(app) === ''), 'every tab to travel');
    panel().jumpToAction(2);
    await until(() => followers.every((app) => shown(app) === 'milk,eggs'), 'back to live');
    panel().jumpToAction(1);
    await until(() => followers.every((app) => shown(app) === 'milk'), 'a second travel');

    await leader.dispose();
    await until(() => followers.some((app) => app.role === 'leader'), 'a new leader');
    await until(
      () => followers.every((app) => shown(app) === 'milk,eggs'),
      'every tab to show the live state',
    );
    expect(await spawn(followers[1].store(todos), 'add', ['tea'])).toBe(3);
  }, 20_000);
});
