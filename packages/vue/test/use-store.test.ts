import { createTestStore } from '@statesync/core/testing';
import { spawn } from '@statesync/shared';
import { useStore } from '@statesync/vue';
import { describe, expect, it } from 'vitest';
import {
  computed,
  createRenderer,
  defineComponent,
  effectScope,
  h,
  isRef,
  nextTick,
  type RendererOptions,
  watch,
  watchEffect,
} from 'vue';
import { bedsPerTest, board } from '../../shared/test/kit/binding-kit.js';

interface Board {
  count: number;
  title: string;
  tags: string[];
}

const initial = (): Board => ({ count: 0, title: 'a', tags: ['x'] });

describe('useStore (Vue)', () => {
  it('is a ref on the selected part; a change elsewhere in the store triggers nothing', async () => {
    const store = createTestStore(initial());
    const scope = effectScope();
    const seen: number[] = [];
    let effects = 0;
    const count = scope.run(() => {
      const count = useStore(store, (state) => state.count);
      watch(count, (value) => seen.push(value));
      watchEffect(() => {
        void count.value;
        effects++;
      });
      return count;
    })!;
    expect(isRef(count)).toBe(true);
    expect(count.value).toBe(0);
    expect(effects).toBe(1);

    store.setState({ ...store.getState(), title: 'b' });
    store.setState({ ...store.getState(), tags: ['y'] });
    await nextTick();
    expect(seen).toEqual([]);
    expect(effects).toBe(1);

    store.setState({ ...store.getState(), count: 1 });
    await nextTick();
    expect(count.value).toBe(1);
    expect(seen).toEqual([1]);
    expect(effects).toBe(2);
    scope.stop();
  });

  it('unsubscribes when its scope is disposed', () => {
    const store = createTestStore(initial());
    const scope = effectScope();
    const title = scope.run(() => useStore(store, (state) => state.title))!;
    expect(store.listenerCount()).toBe(1);
    scope.stop();
    expect(store.listenerCount()).toBe(0);
    store.setState({ ...store.getState(), title: 'after' });
    expect(title.value).toBe('a');
  });

  it('hands out the state itself (no deep proxy), so parts keep their identity', () => {
    const store = createTestStore(initial());
    const scope = effectScope();
    const whole = scope.run(() => useStore(store))!;
    const tags = scope.run(() => useStore(store, (state) => state.tags))!;
    expect(whole.value).toBe(store.getState());
    expect(tags.value).toBe(store.getState().tags);
    const before = tags.value;
    store.setState({ ...store.getState(), count: 5 });
    expect(whole.value).toBe(store.getState());
    expect(tags.value).toBe(before);
    scope.stop();
  });

  it('with isEqual, an equal new selection is not a change', async () => {
    const store = createTestStore(initial());
    const scope = effectScope();
    let runs = 0;
    const summary = scope.run(() => {
      const summary = useStore(
        store,
        (state) => ({ count: state.count, tags: state.tags.length }),
        (a, b) => a.count === b.count && a.tags === b.tags,
      );
      const label = computed(() => `${summary.value.count}/${summary.value.tags}`);
      watchEffect(() => {
        void label.value;
        runs++;
      });
      return summary;
    })!;
    const first = summary.value;
    store.setState({ ...store.getState(), tags: ['y'] }); // same length
    await nextTick();
    expect(summary.value).toBe(first);
    expect(runs).toBe(1);
    store.setState({ ...store.getState(), tags: ['y', 'z'] });
    await nextTick();
    expect(summary.value).toEqual({ count: 0, tags: 2 });
    expect(runs).toBe(2);
    scope.stop();
  });
});

describe('useStore in a rendered component', () => {
  const startBed = bedsPerTest();

  it('re-renders a component only for its own part of a shared-app store', async () => {
    const bed = await startBed({ stores: [board], clients: 2 });
    const [a, b] = [bed.clients[0]!, bed.clients[1]!];
    const renders = { count: 0, title: 0 };
    const Count = defineComponent(() => {
      const count = useStore(b.store(board), (state) => state.count);
      return () => {
        renders.count++;
        return h('b', String(count.value));
      };
    });
    const Title = defineComponent(() => {
      const title = useStore(b.store(board), (state) => state.title);
      return () => {
        renders.title++;
        return h('h1', title.value);
      };
    });
    const { root, text, unmount } = mountInMemory(
      defineComponent(() => () => h('div', [h(Count), h(Title)])),
    );
    expect(text()).toBe('0untitled');
    expect(renders).toEqual({ count: 1, title: 1 });

    await spawn(a.store(board), 'increase', [1]);
    await bed.settle();
    await nextTick();
    expect(text()).toBe('1untitled');
    expect(renders).toEqual({ count: 2, title: 1 });

    await spawn(a.store(board), 'rename', ['plans']);
    await bed.settle();
    await nextTick();
    expect(text()).toBe('1plans');
    expect(renders).toEqual({ count: 2, title: 2 });

    unmount();
    expect(root.children).toEqual([]);
    // Unmounting disposed the components' scopes: further changes render nothing.
    await spawn(a.store(board), 'increase', [1]);
    await bed.settle();
    expect(renders).toEqual({ count: 2, title: 2 });
  });
});

interface MemoryNode {
  tag: string;
  text: string;
  parent: MemoryNode | null;
  children: MemoryNode[];
}

/**
 * Mounts `component` with Vue's own renderer (`createRenderer`) over plain objects: the real
 * component and scheduling machinery, without a DOM.
 */
function mountInMemory(component: ReturnType<typeof defineComponent>) {
  const node = (tag: string, text = ''): MemoryNode => ({ tag, text, parent: null, children: [] });
  const detach = (child: MemoryNode) => {
    const siblings = child.parent?.children;
    if (siblings) siblings.splice(siblings.indexOf(child), 1);
    child.parent = null;
  };
  const options: RendererOptions<MemoryNode, MemoryNode> = {
    createElement: (tag) => node(tag),
    createText: (text) => node('#text', text),
    createComment: (text) => node('#comment', text),
    setText: (target, text) => {
      target.text = text;
    },
    setElementText: (target, text) => {
      for (const child of target.children) child.parent = null;
      target.children = text ? [{ ...node('#text', text), parent: target }] : [];
    },
    insert: (child, parent, anchor) => {
      detach(child);
      child.parent = parent;
      const at = anchor ? parent.children.indexOf(anchor) : -1;
      if (at < 0) parent.children.push(child);
      else parent.children.splice(at, 0, child);
    },
    remove: detach,
    parentNode: (child) => child.parent,
    nextSibling: (child) => {
      const siblings = child.parent?.children ?? [];
      return siblings[siblings.indexOf(child) + 1] ?? null;
    },
    patchProp: () => {},
  };
  const root = node('root');
  const app = createRenderer(options).createApp(component);
  app.mount(root);
  const textOf = (target: MemoryNode): string =>
    target.tag === '#text' ? target.text : target.children.map(textOf).join('');
  return { root, text: () => textOf(root), unmount: () => app.unmount() };
}
