import { afterEach, describe, expect, it } from 'vitest';
import { createDevtoolsStandIn, type StandInInstance } from '../../core/test/devtools-stand-in.js';
import { connectDevtools, serveDevtools } from '../src/devtools.js';
import { type SharedApp, spawn } from '../src/index.js';
import { createTestBed, type TestBed } from '../src/testing.js';
import { counter, todos } from './stores.js';

let bed: TestBed | undefined;
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await bed?.dispose();
  bed = undefined;
});

/** Waits (bounded, about 2 s) for `check` to hold. */
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Two clients of one authority; the first shows its stores in a stand-in panel. */
async function setup() {
  bed = await createTestBed({ stores: [todos, counter], clients: 2 });
  stops.push(serveDevtools(bed.server));
  const { connect, instances } = createDevtoolsStandIn();
  const [a, b] = bed.clients as [SharedApp, SharedApp];
  stops.push(connectDevtools(a, { connect }));
  const panel = () => instances.get('test-app/todos') as StandInInstance;
  await until(() => panel()?.sent.length === 1, 'the panel to start');
  const shown = (app: SharedApp) =>
    app
      .store(todos)
      .getState()
      .items.map((todo) => todo.text);
  return { bed, a, b, panel, instances, shown };
}

describe('connectDevtools', () => {
  it('shows each call in a panel: its name, args, patches, revision and caller', async () => {
    const { a, b, panel, instances } = await setup();
    expect([...instances.keys()].sort()).toEqual(['test-app/counter', 'test-app/todos']);
    expect(panel().sent[0]).toEqual({ kind: 'init', state: { items: [], filter: 'all' } });
    await spawn(b.store(todos), 'add', ['milk']);
    await spawn(a.store(todos), 'add', ['eggs']);
    await until(() => panel().sent.length === 3, 'two actions');
    expect(panel().sent[1]).toMatchObject({
      kind: 'action',
      action: {
        type: 'add',
        args: ['milk'],
        patches: [{ op: 'add', path: ['items', 0], value: { id: 1, text: 'milk', done: false } }],
        revision: '1',
        clientId: b.status.getState().clientId,
      },
      state: { items: [{ id: 1, text: 'milk', done: false }], filter: 'all' },
    });
    expect(panel().sent[2]).toMatchObject({
      action: { type: 'add', args: ['eggs'], clientId: a.status.getState().clientId },
    });
    expect(panel().types()).toEqual(['@@INIT', 'add', 'add']);
  });

  it('travels on the authority: both windows follow, and the next call returns to live', async () => {
    const { a, b, panel, shown } = await setup();
    await spawn(a.store(todos), 'add', ['milk']);
    await spawn(a.store(todos), 'add', ['eggs']);
    await until(() => panel().types().length === 3, 'two actions');
    panel().jumpToAction(1);
    await until(() => shown(a).join() === 'milk' && shown(b).join() === 'milk', 'the jump');
    panel().jumpToAction(0);
    await until(() => shown(b).length === 0, 'the jump to the start');
    // Back to the last action: the live state.
    panel().jumpToAction(2);
    await until(() => shown(b).join() === 'milk,eggs', 'the live state');
    panel().jumpToAction(1);
    await until(() => shown(b).join() === 'milk', 'the second jump');
    // A call runs on the live state, not on the one shown.
    expect(await spawn(b.store(todos), 'add', ['tea'])).toBe(3);
    await until(() => shown(a).join() === 'milk,eggs,tea', 'the call on the live state');
    expect(panel().types()).toEqual(['@@INIT', 'add', 'add', 'add']);
  });

  it('commits, rolls back, resets, imports, skips and pauses for every window', async () => {
    const { a, b, panel, shown } = await setup();
    for (const text of ['a', 'b', 'c']) await spawn(a.store(todos), 'add', [text]);
    await until(() => panel().types().length === 4, 'three actions');

    panel().toggleAction(2);
    await until(() => shown(b).join() === 'a,c', 'b skipped');
    const lifted = panel().sent.at(-1);
    expect(lifted).toMatchObject({ kind: 'lifted', state: { skippedActionIds: [2] } });
    panel().toggleAction(2);
    await until(() => shown(b).join() === 'a,b,c', 'b back');

    panel().jumpToAction(1);
    await until(() => shown(b).join() === 'a', 'the jump');
    panel().commit();
    await until(() => panel().sent.at(-1)?.kind === 'init', 'a new start');
    expect(panel().sent.at(-1)).toMatchObject({ state: { items: [{ text: 'a' }] } });
    expect(shown(b)).toEqual(['a']);

    await spawn(b.store(todos), 'add', ['d']);
    await until(() => shown(a).join() === 'a,d', 'd');
    panel().rollback();
    await until(() => shown(b).join() === 'a', 'the rollback');

    panel().reset();
    await until(() => shown(b).length === 0, 'the reset');

    const history = panel().lifted();
    history.computedStates.push({
      state: { items: [{ id: 9, text: 'z', done: true }], filter: 'open' },
    });
    history.stagedActionIds.push(5);
    panel().importState(history);
    await until(() => shown(b).join() === 'z', 'the import');
    await until(() => panel().sent.at(-1)?.kind === 'lifted', 'the imported history shown');

    panel().pause(true);
    await spawn(b.store(todos), 'add', ['quiet']);
    await until(() => shown(a).join() === 'z,quiet', 'the call while paused');
    const count = panel().sent.length;
    panel().pause(false);
    await until(() => panel().sent.length > count, 'recording again');
    expect(panel().sent.slice(count)).toMatchObject([{ kind: 'init' }]);
  });

  it('on the authority itself, shows its calls and travels there', async () => {
    bed = await createTestBed({ stores: [todos], clients: 1 });
    const { connect, instances } = createDevtoolsStandIn();
    stops.push(connectDevtools(bed.server, { connect, name: 'worker' }));
    const panel = () => instances.get('worker/todos') as StandInInstance;
    await until(() => panel()?.sent.length === 1, 'the panel to start');
    const client = bed.clients[0]!;
    await spawn(client.store(todos), 'add', ['milk']);
    await until(() => panel().types().length === 2, 'the call');
    panel().jumpToAction(0);
    await until(() => client.store(todos).getState().items.length === 0, 'the jump');
    expect(bed.server.store(todos).getState().items).toEqual([]);
  });

  it('says so when the authority does not serve DevTools', async () => {
    const errors: string[] = [];
    bed = await createTestBed({
      stores: [todos],
      clients: 1,
      onError: ({ error, store }) => errors.push(`${store}: ${error.message}`),
    });
    const { connect, instances } = createDevtoolsStandIn();
    // No serveDevtools on the authority.
    stops.push(connectDevtools(bed.clients[0]!, { connect }));
    await until(() => errors.length > 0, 'the report');
    expect(errors).toEqual([
      'todos: DevTools cannot watch "todos": the authority does not serve DevTools (call serveDevtools(app) in its script)',
    ]);
    expect(instances.get('test-app/todos')!.sent).toEqual([]);
  });
});
