/**
 * The behaviour every statesync framework applier must show, as one vitest suite. A framework
 * package calls `describeApplierConformance('name', subject)` from its own test file, with a
 * subject that says how to make a store of that framework and an applier on it; the package's
 * own tests then keep only what is particular to the framework (per-item re-render counts,
 * middleware, store variants, typing). Only the public `@statesync/core` entry is used.
 */
import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
  type SnapshotProvider,
  type StoreApplierOptions,
  type SyncErrorContext,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

/** The state the suite's stores hold: a plain object (string keys, any values). */
export type PlainState = Record<string, unknown>;

/** The applier options the suite asks a subject for: the shared ones of `createStoreApplier`. */
export type ConformanceApplierOptions = StoreApplierOptions<unknown, PlainState>;

/** One framework under test: how to make its stores, read them and hear them change. */
export interface ApplierSubject<Store> {
  /**
   * A new store holding `initial`: a fresh plain object, or, with `holdsNonObjects`, any value.
   * `options` are the ones `applier` gets next, for a store that needs them when it is made (a
   * Redux reducer wrapped for statesync); most subjects ignore them.
   */
  create(initial: unknown, options: ConformanceApplierOptions): Store;
  /** The framework's applier on `store`, made with `options`. */
  applier(store: Store, options: ConformanceApplierOptions): SnapshotApplier<unknown>;
  /**
   * The store's current state as plain data: objects and arrays (functions kept), no proxies,
   * e.g. `getState()`, `select(store.getState())`, `toRaw(state)`, `toJS(state)`, `snapshot(p)`.
   * It may return the live object: the suite copies what it compares before the next apply.
   */
  read(store: Store): unknown;
  /**
   * Listens to the store as the framework's subscribers do; returns the unsubscribe. Each call of
   * `listener` is one notification (not the initial call a Svelte store makes on subscribing).
   */
  subscribe(store: Store, listener: () => void): () => void;
  /** Lets batched notifications arrive (a microtask for Valtio, `nextTick` for Vue watchers). */
  settle?(): Promise<void>;
  /**
   * The store may hold a value that is not an object (Svelte store, Jotai atom, Vue ref), so
   * `'replace'` mode takes such data whole. Otherwise it is refused in both modes.
   * @default false
   */
  holdsNonObjects?: boolean;
  /** The state holds functions (Zustand, MobX, Valtio actions): they must survive. @default false */
  keepsActions?: boolean;
  /**
   * How many notifications a delta that fails midway may cause: stores written in place undo
   * the ops already applied (Pinia, Vue, Valtio, MobX), which their subscribers may hear once.
   * @default 0
   */
  notifiesOnFailedDelta?: 0 | 1;
  /**
   * True when a part of the state read (with `read`) before an apply is, for the framework's
   * change detection, the same as that part read after it: `Object.is` for stores whose reads are
   * immutable values (Zustand, Redux, Svelte, Jotai, Valtio snapshots). The suite then checks
   * that an apply gives new identities to what it changed and only to that. Leave it out for
   * stores written in place, whose package tests count per-item effects instead.
   */
  itemIdentityKept?(before: unknown, after: unknown): boolean;
  /**
   * A store like `create` makes, holding `initial` and a key `locked` (`'open'`), that refuses
   * to set `locked` to `'refused'` by throwing as the write happens: a validating setter for
   * stores written in place ({@link withLockedKey}), a validating middleware, atom, store or
   * reducer for the others. The suite then checks that a write refused midway changes nothing.
   */
  refusing?(initial: PlainState): Store;
}

/**
 * `initial` with an accessor key `locked` (`'open'`) whose setter throws for `'refused'`: what a
 * store written in place (MobX computed with setter, Vue/Pinia/Valtio accessor) refuses.
 */
export function withLockedKey(initial: PlainState): PlainState {
  let locked = 'open';
  return Object.defineProperty({ ...initial }, 'locked', {
    enumerable: true,
    configurable: true,
    get: () => locked,
    set(value: string) {
      if (value === 'refused') throw new Error('locked refuses "refused"');
      locked = value;
    },
  });
}

/** A snapshot envelope, for the package tests too. */
export const snapshot = <T>(data: T, revision = '1') => ({ revision, data });

/** A delta envelope whose base is the revision before `revision`. */
export const delta = (ops: PatchOp[], revision = '2') => ({
  base: String(Number(revision) - 1),
  revision,
  ops,
});

/** What `run` threw; fails the test when it returned. */
export function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/** Deep-copies plain objects and arrays, keeping every other value (functions) as it is. */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
}

/** What `run` threw (or rejected with); fails the test when it did not throw. */
async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a StateSyncError, but nothing was thrown');
}

/**
 * Declares the conformance suite for one framework applier: `describe('applier conformance:
 * <name>')` with a test per behaviour every applier must show.
 */
export function describeApplierConformance<Store>(
  name: string,
  subject: ApplierSubject<Store>,
): void {
  const maxOnFailure = subject.notifiesOnFailedDelta ?? 0;
  const settle = async () => {
    await subject.settle?.();
  };
  /** A function the state holds (when the framework keeps actions), and its matcher. */
  const actions = (): PlainState => (subject.keepsActions ? { act: () => 'acted' } : {});
  const actionsKept = (): PlainState => (subject.keepsActions ? { act: expect.any(Function) } : {});

  describe(`applier conformance: ${name}`, () => {
    let cleanups: (() => void)[] = [];
    afterEach(() => {
      for (const cleanup of cleanups) cleanup();
      cleanups = [];
    });

    /** A store holding `initial`, its applier, and a count of the store's notifications. */
    const setup = (initial: unknown, options: ConformanceApplierOptions = {}) => {
      const store = subject.create(initial, options);
      const applier = subject.applier(store, options);
      let count = 0;
      cleanups.push(subject.subscribe(store, () => count++));
      /** Runs one apply, lets its notifications arrive and returns how many there were. */
      const counted = async (run: () => unknown) => {
        const start = count;
        await run();
        await settle();
        return count - start;
      };
      return {
        applier,
        read: () => subject.read(store),
        notifications: () => count,
        apply: (data: unknown, revision = '1') =>
          counted(() => applier.apply(snapshot(data, revision))),
        patch: (ops: PatchOp[], revision = '2') =>
          counted(() => {
            if (!applier.applyPatch) throw new Error('the applier has no applyPatch');
            return applier.applyPatch(delta(ops, revision));
          }),
      };
    };

    it("'patch' mode writes the snapshot's keys and removes only keys the authority dropped", async () => {
      const s = setup({ theme: 'light', fontSize: 12, local: 'mine', ...actions() });
      expect(await s.apply({ theme: 'dark', layout: { sidebar: true }, tags: ['a'] })).toBe(1);
      expect(s.read()).toStrictEqual({
        theme: 'dark',
        fontSize: 12,
        local: 'mine',
        layout: { sidebar: true },
        tags: ['a'],
        ...actionsKept(),
      });
      // `layout` was sent and is gone; `fontSize` and `local` never were and stay.
      expect(await s.apply({ theme: 'dark', tags: ['a', 'b'] }, '2')).toBe(1);
      expect(s.read()).toStrictEqual({
        theme: 'dark',
        fontSize: 12,
        local: 'mine',
        tags: ['a', 'b'],
        ...actionsKept(),
      });
    });

    it(`'replace' mode removes every synced key the snapshot lacks${subject.keepsActions ? ', never functions' : ''}`, async () => {
      const s = setup({ theme: 'light', fontSize: 12, ...actions() }, { mode: 'replace' });
      expect(await s.apply({ theme: 'dark', extra: 1 })).toBe(1);
      expect(s.read()).toStrictEqual({ theme: 'dark', extra: 1, ...actionsKept() });
      expect(await s.apply({ other: true }, '2')).toBe(1);
      expect(s.read()).toStrictEqual({ other: true, ...actionsKept() });
    });

    it('a snapshot that changes nothing notifies nobody, and unchanged values are left alone', async () => {
      for (const mode of ['patch', 'replace'] as const) {
        const s = setup({ title: '' }, { mode });
        const list = [{ id: 1 }, { id: 2 }];
        const data = { title: 'a', list };
        expect(await s.apply(data), mode).toBe(1);
        const before = (s.read() as { list: unknown }).list;
        expect(await s.apply(data, '2'), mode).toBe(0);
        expect(await s.apply({ title: 'b', list }, '3'), mode).toBe(1);
        const after = s.read() as { list: unknown };
        expect(after, mode).toStrictEqual({ title: 'b', list: [{ id: 1 }, { id: 2 }] });
        if (subject.itemIdentityKept) {
          expect(subject.itemIdentityKept(before, after.list), mode).toBe(true);
        }
      }
    });

    it('refuses snapshot data that is not a plain object where it must merge, changing nothing', async () => {
      // A store that holds any value takes it whole only in 'replace' mode without local keys.
      const cases: ConformanceApplierOptions[] = [
        { mode: 'patch' },
        subject.holdsNonObjects ? { mode: 'replace', omitKeys: ['draft'] } : { mode: 'replace' },
      ];
      for (const options of cases) {
        const s = setup({ theme: 'light' }, options);
        for (const data of [7, [1, 2], null]) {
          const error = await rejection(() => s.apply(data));
          expect(isStateSyncError(error, 'apply_failed'), String(error)).toBe(true);
        }
        await settle();
        expect(s.read(), options.mode).toStrictEqual({ theme: 'light' });
        expect(s.notifications(), options.mode).toBe(0);
      }
    });

    it.runIf(subject.holdsNonObjects)(
      "'replace' mode takes values that are not objects whole, by snapshot and by root op",
      async () => {
        const s = setup({ theme: 'light' }, { mode: 'replace' });
        expect(await s.apply(42)).toBe(1);
        expect(s.read()).toBe(42);
        const list = [1, 2];
        expect(await s.apply(list, '2')).toBe(1);
        expect(await s.patch([{ op: 'add', path: ['-'], value: 3 }], '3')).toBe(1);
        expect(s.read()).toStrictEqual([1, 2, 3]);
        expect(list).toStrictEqual([1, 2]);
        expect(await s.patch([{ op: 'replace', path: [], value: { theme: 'back' } }], '4')).toBe(1);
        expect(s.read()).toStrictEqual({ theme: 'back' });
      },
    );

    it.runIf(subject.holdsNonObjects)('fills a store that starts out empty (null)', async () => {
      const s = setup(null, { pickKeys: ['theme'] });
      expect(await s.apply({ theme: 'dark', draft: 'theirs' })).toBe(1);
      expect(s.read()).toStrictEqual({ theme: 'dark' });
      expect(await s.patch([{ op: 'replace', path: ['theme'], value: 'blue' }])).toBe(1);
      expect(s.read()).toStrictEqual({ theme: 'blue' });
    });

    describe.each([
      ['pickKeys', { pickKeys: ['theme', 'fontSize', 'layout'] }],
      ['omitKeys', { omitKeys: ['draft', 'selection'] }],
    ] as const)('%s', (_label, keys) => {
      it.each(['patch', 'replace'] as const)(
        'keeps local-only keys through snapshots and deltas (%s mode)',
        async (mode) => {
          const s = setup({ theme: 'light', draft: 'mine', selection: 3 }, { mode, ...keys });
          expect(
            await s.apply({ theme: 'dark', fontSize: 12, draft: 'theirs', selection: 9 }),
          ).toBe(1);
          expect(s.read()).toStrictEqual({
            theme: 'dark',
            fontSize: 12,
            draft: 'mine',
            selection: 3,
          });
          const synced = await s.patch([
            { op: 'replace', path: ['theme'], value: 'blue' },
            { op: 'replace', path: ['draft'], value: 'theirs again' },
            { op: 'remove', path: ['selection'] },
            { op: 'remove', path: ['fontSize'] },
            { op: 'add', path: ['layout'], value: { sidebar: true } },
          ]);
          expect(synced).toBe(1);
          expect(s.read()).toStrictEqual({
            theme: 'blue',
            draft: 'mine',
            selection: 3,
            layout: { sidebar: true },
          });
          // Ops on local keys are skipped, not applied: this one would fail on a number.
          const local = await s.patch(
            [
              { op: 'replace', path: ['draft'], value: 'x' },
              { op: 'add', path: ['selection', 'deep'], value: 1 },
            ],
            '3',
          );
          expect(local).toBe(0);
          expect(await s.apply({ theme: 'red', draft: 'theirs' }, '4')).toBe(1);
          expect(s.read()).toStrictEqual({ theme: 'red', draft: 'mine', selection: 3 });
        },
      );
    });

    it('delivers a key removed deep inside an object through a snapshot', async () => {
      const s = setup({ theme: 'light' });
      await s.apply({ layout: { sidebar: { width: 1, pinned: true }, panels: [{ id: 1, t: 2 }] } });
      const nested = await s.apply({ layout: { sidebar: { width: 1 }, panels: [{ id: 1 }] } }, '2');
      expect(nested).toBe(1);
      expect(s.read()).toStrictEqual({
        theme: 'light',
        layout: { sidebar: { width: 1 }, panels: [{ id: 1 }] },
      });
    });

    it('delivers a key removed deep inside an object through a delta op', async () => {
      const s = setup({ theme: 'light' });
      await s.apply({
        layout: { sidebar: { width: 1, pinned: true } },
        items: [{ id: 1, note: { text: 'x', tag: 't' } }],
      });
      const removed = await s.patch([
        { op: 'remove', path: ['layout', 'sidebar', 'pinned'] },
        { op: 'remove', path: ['items', 0, 'note', 'tag'] },
      ]);
      expect(removed).toBe(1);
      expect(s.read()).toStrictEqual({
        theme: 'light',
        layout: { sidebar: { width: 1 } },
        items: [{ id: 1, note: { text: 'x' } }],
      });
    });

    it('applies a delta of several ops across keys with one notification', async () => {
      const s = setup({ theme: 'light', local: 'mine' });
      await s.apply({
        items: [
          { id: 0, done: false },
          { id: 1, done: false },
        ],
        filter: 'all',
        meta: { a: 1 },
      });
      const applied = await s.patch([
        { op: 'replace', path: ['items', 1, 'done'], value: true },
        { op: 'add', path: ['items', '-'], value: { id: 2, done: false } },
        { op: 'remove', path: ['items', 0] },
        { op: 'replace', path: ['filter'], value: 'open' },
        { op: 'remove', path: ['meta'] },
        { op: 'add', path: ['theme'], value: 'dark' },
      ]);
      expect(applied).toBe(1);
      expect(s.read()).toStrictEqual({
        theme: 'dark',
        local: 'mine',
        items: [
          { id: 1, done: true },
          { id: 2, done: false },
        ],
        filter: 'open',
      });
      // The delta sent `theme`: a later 'patch'-mode snapshot without it removes it.
      expect(await s.apply({ items: [], filter: 'open' }, '3')).toBe(1);
      expect(s.read()).toStrictEqual({ local: 'mine', items: [], filter: 'open' });
    });

    it('toState maps snapshots, and deltas are applied to the source and mapped again', async () => {
      type Wire = { prefs: { theme: string; size: number }; tags: string[]; version: number };
      const s = setup(
        { theme: 'light', fontSize: 12, tags: [], local: 'mine' },
        {
          toState: (data) => {
            const wire = data as Wire;
            return { theme: wire.prefs.theme, fontSize: wire.prefs.size, tags: wire.tags };
          },
        },
      );
      const early = await rejection(() =>
        s.patch([{ op: 'replace', path: ['version'], value: 0 }]),
      );
      expect(isStateSyncError(early, 'apply_failed'), String(early)).toBe(true);

      expect(await s.apply({ prefs: { theme: 'dark', size: 16 }, tags: ['a'], version: 1 })).toBe(
        1,
      );
      expect(s.read()).toStrictEqual({ theme: 'dark', fontSize: 16, tags: ['a'], local: 'mine' });
      const before = (s.read() as { tags: unknown }).tags;
      expect(await s.patch([{ op: 'replace', path: ['prefs', 'size'], value: 18 }])).toBe(1);
      const after = s.read() as { tags: unknown };
      expect(after).toStrictEqual({ theme: 'dark', fontSize: 18, tags: ['a'], local: 'mine' });
      if (subject.itemIdentityKept) {
        expect(subject.itemIdentityKept(before, after.tags)).toBe(true);
      }
      // A delta to a part of the source the mapping does not read writes nothing.
      expect(await s.patch([{ op: 'replace', path: ['version'], value: 2 }], '3')).toBe(0);
    });

    it('a delta that fails midway throws a protocol error and leaves the state as it was', async () => {
      const s = setup({ theme: 'light', local: 'mine' });
      await s.apply({ layout: { sidebar: { width: 1 } }, list: [1, 2, 3] });
      const before = copy(s.read());
      const failing: PatchOp[][] = [
        [
          { op: 'replace', path: ['layout', 'sidebar', 'width'], value: 2 },
          { op: 'replace', path: ['missing', 'deep'], value: 1 },
        ],
        [
          { op: 'remove', path: ['list', 0] },
          { op: 'add', path: ['list', '-'], value: 4 },
          { op: 'add', path: ['extra'], value: { a: 1 } },
          { op: 'remove', path: ['theme'] },
          { op: 'remove', path: ['layout', 'sidebar', 'width'] },
          { op: 'remove', path: ['layout', 'header'] },
        ],
      ];
      for (const ops of failing) {
        const count = s.notifications();
        const error = await rejection(() => s.patch(ops));
        expect(isStateSyncError(error, 'protocol'), String(error)).toBe(true);
        await settle();
        expect(s.read()).toStrictEqual(before);
        expect(s.notifications() - count).toBeLessThanOrEqual(maxOnFailure);
      }
      // The store still takes the next delta, with one notification.
      expect(await s.patch([{ op: 'replace', path: ['list', 0], value: 9 }])).toBe(1);
      expect(s.read()).toStrictEqual({ ...(before as PlainState), list: [9, 2, 3] });
    });

    const { refusing } = subject;
    if (refusing) {
      it('a snapshot or delta the store refuses midway throws and leaves the state as it was', async () => {
        const store = refusing({ theme: 'light', list: [1], gone: 1 });
        const applier = subject.applier(store, {});
        await applier.apply(snapshot({ theme: 'light', list: [1], locked: 'open', gone: 1 }));
        const before = copy(subject.read(store));
        // Keys written before `locked` and keys written or removed after it: none may stay.
        await rejection(() =>
          applier.apply(snapshot({ theme: 'dark', list: [2], locked: 'refused', extra: 1 }, '2')),
        );
        expect(subject.read(store)).toStrictEqual(before);
        await rejection(() =>
          applier.applyPatch?.(
            delta([
              { op: 'replace', path: ['theme'], value: 'dark' },
              { op: 'add', path: ['list', '-'], value: 2 },
              { op: 'remove', path: ['gone'] },
              { op: 'replace', path: ['locked'], value: 'refused' },
              { op: 'add', path: ['extra'], value: 1 },
            ]),
          ),
        );
        expect(subject.read(store)).toStrictEqual(before);
        // What the store accepts still applies, removals included.
        await applier.apply(snapshot({ theme: 'dark', list: [3], locked: 'shut' }, '3'));
        const after = copy(subject.read(store)) as PlainState;
        expect([after.theme, after.list, 'gone' in after]).toStrictEqual(['dark', [3], false]);
      });
    }

    it('applies a delta holding a root op as one write, all or nothing', async () => {
      const s = setup({ theme: 'light', fontSize: 12, local: 'mine' }, { omitKeys: ['local'] });
      const applied = await s.patch([
        { op: 'replace', path: ['theme'], value: 'dark' },
        { op: 'replace', path: [], value: { theme: 'blue', fontSize: 20, local: 'theirs' } },
        { op: 'replace', path: ['fontSize'], value: 21 },
      ]);
      expect(applied).toBe(1);
      expect(s.read()).toStrictEqual({ theme: 'blue', fontSize: 21, local: 'mine' });

      const before = copy(s.read());
      const error = await rejection(() =>
        s.patch(
          [
            { op: 'replace', path: [], value: { theme: 'green' } },
            { op: 'remove', path: ['missing'] },
          ],
          '3',
        ),
      );
      expect(isStateSyncError(error, 'protocol'), String(error)).toBe(true);
      await settle();
      expect(s.read()).toStrictEqual(before);
      expect(s.notifications()).toBe(1);
    });

    it('never mutates the snapshot data and op values it is given', async () => {
      const data = { items: [{ id: 0, done: false, note: { text: 'a' } }], meta: { a: { b: 1 } } };
      const added = { id: 1, done: false, note: { text: 'x', tag: 't' } };
      const first: PatchOp[] = [
        { op: 'add', path: ['items', '-'], value: added },
        { op: 'replace', path: ['items', 0, 'done'], value: true },
        { op: 'remove', path: ['items', 0, 'note', 'text'] },
        { op: 'remove', path: ['meta', 'a', 'b'] },
      ];
      const second: PatchOp[] = [
        { op: 'replace', path: ['items', 1, 'note', 'text'], value: 'y' },
        { op: 'remove', path: ['items', 1, 'note', 'tag'] },
        { op: 'add', path: ['meta', 'a', 'c'], value: [1] },
        { op: 'add', path: ['meta', 'a', 'c', '-'], value: 2 },
      ];
      const pristine = copy({ data, first, second });
      // One engine's snapshot and deltas, as an in-process authority fans them out to two stores.
      const stores = [setup({}), setup({})];
      const [snap, d1, d2] = [snapshot(data), delta(first, '2'), delta(second, '3')];
      for (const s of stores) {
        await s.applier.apply(snap);
        await s.applier.applyPatch?.(d1);
      }
      for (const s of stores) await s.applier.applyPatch?.(d2);
      for (const s of stores) {
        expect(s.read()).toStrictEqual({
          items: [
            { id: 0, done: true, note: {} },
            { id: 1, done: false, note: { text: 'y' } },
          ],
          meta: { a: { c: [1, 2] } },
        });
      }
      expect({ data, first, second }).toStrictEqual(pristine);
    });

    it('a one-item delta on a 10,000-item list changes only that item', async () => {
      type Item = { id: number; title: string; done: boolean };
      type Todos = { items: Item[]; filter: { status: string } };
      const [count, changed] = [10_000, 4321];
      const items = Array.from({ length: count }, (_, id) => ({
        id,
        title: `#${id}`,
        done: false,
      }));
      const s = setup({ items: [], filter: { status: 'all' } });
      await s.apply({ items, filter: { status: 'all' } });
      // Taken apart now: `read` may return the live state, which the delta then changes.
      const before = { ...(s.read() as Todos) };
      before.items = [...before.items];
      const plain = copy(before);

      expect(
        await s.patch([{ op: 'replace', path: ['items', changed, 'done'], value: true }]),
      ).toBe(1);
      const after = s.read() as Todos;
      expect(after.items).toHaveLength(count);
      expect(after.items[changed]).toStrictEqual({ id: changed, title: '#4321', done: true });
      expect(after.filter).toStrictEqual(plain.filter);
      const differ: number[] = [];
      for (let i = 0; i < count; i++) {
        if (JSON.stringify(after.items[i]) !== JSON.stringify(plain.items[i])) differ.push(i);
      }
      expect(differ).toEqual([changed]);

      const kept = subject.itemIdentityKept;
      if (kept) {
        const replaced: number[] = [];
        for (let i = 0; i < count; i++) {
          if (!kept(before.items[i], after.items[i])) replaced.push(i);
        }
        expect(replaced).toEqual([changed]);
        expect(kept(before.filter, after.filter)).toBe(true);
      }
    });

    it('receives the first snapshot, then deltas, through the engine with one fetch', async () => {
      type Doc = { title: string; items: { id: number; done: boolean }[] };
      const authority = createAuthority<Doc>({
        topic: 'doc',
        data: { title: 'groceries', items: [{ id: 1, done: false }] },
      });
      let fetches = 0;
      const provider: SnapshotProvider<Doc> = {
        getSnapshot: (request) => {
          fetches++;
          return authority.provider.getSnapshot(request);
        },
      };
      const clock = createVirtualClock();
      const s = setup({ title: '', items: [], draft: 'unsaved' }, { omitKeys: ['draft'] });
      const errors: SyncErrorContext[] = [];
      const sync = createRevisionSync<Doc>({
        topic: 'doc',
        subscriber: authority,
        provider,
        applier: s.applier,
        timers: clock,
        throttling: {},
        onError: (context) => errors.push(context),
      });
      await sync.start();
      await settle();
      expect(s.read()).toStrictEqual({
        title: 'groceries',
        items: [{ id: 1, done: false }],
        draft: 'unsaved',
      });

      authority.patch([{ op: 'add', path: ['items', '-'], value: { id: 2, done: false } }]);
      await clock.flush();
      await settle();
      authority.patch([{ op: 'replace', path: ['items', 1, 'done'], value: true }]);
      await clock.flush();
      await settle();
      expect(s.read()).toStrictEqual({
        title: 'groceries',
        items: [
          { id: 1, done: false },
          { id: 2, done: true },
        ],
        draft: 'unsaved',
      });
      expect(sync.getLocalRevision()).toBe('2');
      expect(fetches).toBe(1);
      expect(s.notifications()).toBe(3);

      // A change without ops is pulled as a snapshot.
      authority.update((doc) => ({ ...doc, title: 'shopping' }));
      await clock.runAll();
      await settle();
      expect(s.read()).toMatchObject({ title: 'shopping', draft: 'unsaved' });
      expect(fetches).toBe(2);
      expect(s.notifications()).toBe(4);
      expect(errors).toEqual([]);
      await sync.stop();
    });
  });
}
