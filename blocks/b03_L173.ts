import {
  applyPatch,
  createAuthority,
  createRevisionSync,
  type SnapshotApplier,
} from '@statesync/core';

type Todos = { items: string[] };

const authority = createAuthority<Todos>({ topic: 'todos', data: { items: [] } });

let state: Todos | undefined;
const applier: SnapshotApplier<Todos> = {
  apply(snapshot) {
    state = snapshot.data;
  },
  applyPatch(patch) {
    state = applyPatch(state, patch.ops); // patch: { base, revision, epoch?, ops }
  },
};

const sync = createRevisionSync<Todos>({
  topic: 'todos',
  subscriber: authority,
  provider: authority.provider,
  applier,
});

void sync.start().then(() => {
  // Publishes revision "1" with delta { base: "0", ops }: applied here without a pull.
  authority.patch([{ op: 'add', path: ['items', '-'], value: 'milk' }]);
});
