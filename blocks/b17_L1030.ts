import { applyPatch, type PatchOp } from '@statesync/core';

type Board = { columns: { name: string; cards: string[] }[]; filter?: string };

const before: Board = {
  columns: [
    { name: 'todo', cards: ['a'] },
    { name: 'done', cards: [] },
  ],
  filter: 'mine',
};
const ops: PatchOp[] = [
  { op: 'add', path: ['columns', 1, 'cards', '-'], value: 'a' },
  { op: 'remove', path: ['columns', 0, 'cards', 0] },
  { op: 'remove', path: ['filter'] },
];
const after = applyPatch(before, ops);
// after:  { columns: [{ name: 'todo', cards: [] }, { name: 'done', cards: ['a'] }] }
// before: unchanged; after.columns !== before.columns, but nothing off the paths was copied
console.log(after, before);
