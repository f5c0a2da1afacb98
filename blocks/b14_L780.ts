import {
  type CallMessage,
  type InvalidateMessage,
  isProtocolMessage,
  type Message,
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type PullMessage,
  type ResultMessage,
  type SnapshotMessage,
} from '@statesync/core';

const pull: PullMessage = { v: PROTOCOL_VERSION, type: 'pull', id: 'p-1', topic: 'settings' };
const answer: SnapshotMessage = {
  v: 1,
  type: 'snapshot',
  id: 'p-1',
  topic: 'settings',
  revision: '4',
  data: {},
};
const failed: PullErrorMessage = {
  v: 1,
  type: 'pull-error',
  id: 'p-2',
  topic: 'settings',
  error: { name: 'StateSyncError', code: 'storage', message: 'disk full' },
};
const event: InvalidateMessage = {
  v: 1,
  type: 'invalidate',
  topic: 'settings',
  revision: '5',
  epoch: 'e1',
};
const call: CallMessage = {
  v: 1,
  type: 'call',
  id: 'c-1',
  topic: 'counter',
  action: 'increase',
  args: [1],
};
const result: ResultMessage = {
  v: 1,
  type: 'result',
  id: 'c-1',
  revision: '6',
  epoch: 'e1',
  value: 2,
};

function describe(message: Message): string {
  switch (message.type) {
    case 'invalidate':
      return `${message.topic} is at ${message.revision}`;
    case 'pull':
      return `pull ${message.id}`;
    case 'snapshot':
      return `snapshot ${message.revision} for ${message.id}`;
    case 'pull-error':
      return `pull ${message.id} failed: ${message.error.code}`;
    case 'call':
      return `${message.action}(${message.args.length} args)`;
    case 'result':
      return `result of ${message.id} at ${message.revision}`;
  }
}

window.addEventListener('message', ({ data }: MessageEvent) => {
  if (!isProtocolMessage(data)) return; // not ours
  console.log(data.type); // narrowed to { v: number; type: string } only
});

console.log([pull, answer, failed, event, call, result].map(describe));
