import {
  type Authority,
  type AuthorityOptions,
  type ChangeOptions,
  createAuthority,
  type InvalidationEvent,
} from '@statesync/core';

type Doc = { title: string; tags: string[] };

const options: AuthorityOptions<Doc> = {
  topic: 'doc',
  data: { title: 'Draft', tags: [] },
  epoch: 'boot-1',
};
const doc: Authority<Doc> = createAuthority(options);

const off = doc.subscribe((event: InvalidationEvent) =>
  console.log(event.revision, event.delta?.ops.length),
);

const fromWindowA: ChangeOptions = { sourceId: 'window-a' };
doc.set({ title: 'Final', tags: [] }, fromWindowA); // revision "1", sourceId "window-a", no delta
doc.update((d) => ({ ...d, title: 'Final v2' })); // revision "2"
doc.patch([{ op: 'add', path: ['tags', '-'], value: 'urgent' }]); // revision "3", delta { base: "2", ops }
doc.publish(); // revision "3" again
doc.restart({ data: { title: 'Recovered', tags: [] } }); // new epoch, revision "0"

console.log(doc.getSnapshot(), doc.getRevision(), doc.getEpoch() !== 'boot-1', doc.getData().title);
off();
