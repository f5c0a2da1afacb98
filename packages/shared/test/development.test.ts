// Development checks and debug lines: what a developer sees when something goes wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { defineStore, spawn } from '../src/index.js';
import { createTestBed, type TestBed } from '../src/testing.js';
import { todos } from './stores.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

interface Line {
  level: string;
  message: string;
  extra: Record<string, unknown> | undefined;
}
function recordingLogger() {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    lines.push({ level, message, extra: extra && { ...extra } });
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

const list = defineStore({
  name: 'list',
  state: () => ({
    items: Array.from({ length: 40 }, (_, id) => ({ id, done: false })),
  }),
  actions: {
    /** Rebuilds the whole list to change one item: the patch carries all 40. */
    toggleByCopy(draft, id: number) {
      draft.items = draft.items.map((item) => ({
        ...item,
        done: item.id === id ? !item.done : item.done,
      }));
    },
    toggle(draft, id: number) {
      const item = draft.items[id];
      if (item) item.done = !item.done;
    },
    replaceAll(draft) {
      draft.items = draft.items.map((item) => ({ id: item.id + 100, done: true }));
    },
  },
});

describe('development checks', () => {
  it('freeze every mirror, so code that mutates state throws at once', async () => {
    bed = await createTestBed({ stores: [todos] });
    const store = bed.clients[0]!.store(todos);
    await spawn(store, 'add', ['milk']);
    const state = store.getState();
    expect(() => {
      state.items[0]!.text = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (state.items as unknown[]).push({});
    }).toThrow(TypeError);
    expect(store.getState().items[0]!.text).toBe('milk');
  });

  it('are off with development: false', async () => {
    const { createSharedApp } = await import('../src/index.js');
    const app = createSharedApp({
      stores: [todos],
      share: { name: `local-${Math.random()}`, type: 'Local' },
      development: false,
      logger: recordingLogger().logger,
    });
    await app.ready;
    await spawn(app.store(todos), 'add', ['milk']);
    expect(Object.isFrozen(app.store(todos).getState())).toBe(false);
    await app.dispose();
  });

  it('warn, with the path, about an action that replaced a big subtree to change one value', async () => {
    const { lines, logger } = recordingLogger();
    bed = await createTestBed({ stores: [list], logger });
    const store = bed.clients[0]!.store(list);
    await spawn(store, 'toggleByCopy', [3]);
    await spawn(store, 'toggle', [4]);
    await spawn(store, 'replaceAll', []);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).toEqual([
      'list.toggleByCopy replaced /items (80 values) where 1 changed: change the draft in place so that only the changes travel',
    ]);
    expect(warnings[0]!.extra).toMatchObject({
      store: 'list',
      action: 'toggleByCopy',
      path: '/items',
    });
  });
});

describe('debug lines', () => {
  it('name each applied call: action, args size, patches, revision, caller and duration', async () => {
    const { lines, logger } = recordingLogger();
    bed = await createTestBed({ stores: [todos], logger });
    const client = bed.clients[0]!;
    await spawn(client.store(todos), 'add', ['milk']);
    const applied = lines.filter((line) => line.message === 'action applied');
    expect(applied).toHaveLength(1);
    expect(applied[0]!.extra).toMatchObject({
      store: 'todos',
      action: 'add',
      argsBytes: '["milk"]'.length,
      patches: 1,
      revision: '1',
      clientId: client.status.getState().clientId,
      ms: expect.any(Number),
    });
  });

  it('name a failed call, and its error names the store and the action', async () => {
    const { lines, logger } = recordingLogger();
    bed = await createTestBed({ stores: [todos], logger });
    const failure = await spawn(bed.clients[0]!.store(todos), 'toggle', [7]).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({
      code: 'remote',
      message: 'no todo 7',
      store: 'todos',
      action: 'toggle',
    });
    expect(lines.find((line) => line.message === 'action failed')?.extra).toMatchObject({
      store: 'todos',
      action: 'toggle',
    });
  });
});
