import { describe, expect, it } from 'vitest';
import { connectAuthorityDevtools, createDevtoolsBridge } from '../src/devtools.js';
import { createAuthority, createRevisionSync } from '../src/index.js';
import { createDevtoolsStandIn } from './devtools-stand-in.js';

type Doc = { title: string; tags: string[] };

/** An authority shown in a stand-in panel, and a client that syncs its topic. */
async function setup() {
  const authority = createAuthority<Doc>({ topic: 'doc', data: { title: 'a', tags: [] } });
  const { connect, instances } = createDevtoolsStandIn();
  const errors: Error[] = [];
  const stop = connectAuthorityDevtools(authority, { connect, onError: (e) => errors.push(e) });
  let shown: Doc | undefined;
  const client = createRevisionSync<Doc>({
    topic: 'doc',
    subscriber: authority,
    provider: authority.provider,
    applier: {
      apply: (snapshot) => {
        shown = snapshot.data;
      },
    },
  });
  await client.start();
  const panel = instances.get('doc')!;
  /** Waits (bounded) until the client shows what the authority holds. */
  const synced = async () => {
    for (let i = 0; i < 200 && shown !== authority.getData(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return shown;
  };
  return { authority, panel, errors, stop, client, synced };
}

describe('connectAuthorityDevtools', () => {
  it('sends the start and each change, with its revision and patches', async () => {
    const { authority, panel, stop, client } = await setup();
    authority.patch([{ op: 'replace', path: ['title'], value: 'b' }]);
    authority.set({ title: 'b', tags: ['x'] }, { sourceId: 'w1' });
    expect(panel.sent).toEqual([
      { kind: 'init', state: { title: 'a', tags: [] } },
      {
        kind: 'action',
        action: {
          type: 'patch',
          revision: '1',
          patches: [{ op: 'replace', path: ['title'], value: 'b' }],
        },
        state: { title: 'b', tags: [] },
      },
      {
        kind: 'action',
        action: { type: 'set', revision: '2', sourceId: 'w1' },
        state: { title: 'b', tags: ['x'] },
      },
    ]);
    expect(panel.options.name).toBe('doc');
    stop!();
    expect(panel.listeners()).toBe(0);
    await client.stop();
  });

  it('travels on the authority, so clients follow, and returns to the live state', async () => {
    const { authority, panel, synced, client } = await setup();
    authority.set({ title: 'b', tags: [] });
    const live = authority.set({ title: 'c', tags: [] }).revision;
    panel.jumpToAction(1);
    expect(authority.getData()).toEqual({ title: 'b', tags: [] });
    expect(await synced()).toEqual({ title: 'b', tags: [] });
    panel.jumpToState(0);
    expect(await synced()).toEqual({ title: 'a', tags: [] });
    // Travelling is not recorded.
    expect(panel.types()).toEqual(['@@INIT', 'set', 'set']);
    panel.jumpToAction(2);
    expect(await synced()).toEqual({ title: 'c', tags: [] });
    expect(BigInt(authority.getRevision())).toBeGreaterThan(BigInt(live));
    await client.stop();
  });

  it('commits, rolls back, resets, imports and pauses on the authority', async () => {
    const { authority, panel, errors } = await setup();
    authority.set({ title: 'b', tags: [] });
    panel.jumpToAction(0);
    panel.commit();
    expect(panel.sent.at(-1)).toEqual({ kind: 'init', state: { title: 'a', tags: [] } });
    authority.set({ title: 'd', tags: [] });
    panel.rollback();
    expect(authority.getData()).toEqual({ title: 'a', tags: [] });
    authority.set({ title: 'e', tags: [] });
    panel.reset();
    expect(authority.getData()).toEqual({ title: 'a', tags: [] });
    const imported = panel.lifted();
    imported.computedStates.push({ state: { title: 'imported', tags: ['i'] } });
    imported.stagedActionIds.push(7);
    imported.actionsById[7] = { type: 'PERFORM_ACTION', action: { type: 'x' }, timestamp: 7 };
    panel.importState(imported);
    expect(authority.getData()).toEqual({ title: 'imported', tags: ['i'] });
    expect(panel.sent.at(-1)).toMatchObject({ kind: 'lifted' });
    panel.pause(true);
    const before = panel.sent.length;
    authority.set({ title: 'quiet', tags: [] });
    expect(panel.sent.length).toBe(before);
    panel.pause(false);
    expect(panel.sent.at(-1)).toEqual({ kind: 'init', state: { title: 'quiet', tags: [] } });
    expect(errors).toEqual([]);
  });

  it('does nothing without a panel, and shows a failed command in the panel', () => {
    const authority = createAuthority({ topic: 't', data: {} });
    expect(connectAuthorityDevtools(authority)).toBeUndefined();
    const { connect, instances } = createDevtoolsStandIn();
    const failures: Error[] = [];
    const bridge = createDevtoolsBridge({
      connection: connect({ name: 'x' }),
      onError: (error) => failures.push(error),
      commands: {
        travel: () => Promise.reject(new Error('no way')),
        live() {},
        commit() {},
        rollback() {},
        reset() {},
        import() {},
        pause() {},
      },
    });
    bridge.init({}, '0');
    bridge.record({ type: 'a' }, { n: 1 }, '1');
    bridge.record({ type: 'b' }, { n: 2 }, '2');
    const panel = instances.get('x')!;
    panel.jumpToAction(1);
    panel.toggleAction(1);
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      expect(failures.map((error) => error.message)).toEqual([
        'a DevTools command failed: no way',
        'a DevTools command failed: skipping actions is not available here',
      ]);
      expect(panel.sent.filter((sent) => sent.kind === 'error')).toHaveLength(2);
    });
  });
});
