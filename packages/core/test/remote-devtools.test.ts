// The parts of the remote bridge that need no server: the history an instance keeps for monitors
// that start late, and the options. Against the real Redux DevTools server:
// e2e/remote-devtools.test.ts.
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createLiftedHistory } from '../src/devtools/lifted-history.js';
import { remoteDevtools } from '../src/devtools.js';
import { isStateSyncError, type WebSocketConstructor } from '../src/index.js';

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the lifted history of a remote instance', () => {
  it('keeps the start, each action with the state after it, and follows jumps', () => {
    const history = createLiftedHistory(10, () => 7);
    history.init({ n: 0 });
    const first = history.record({ type: 'add', args: [1] }, { n: 1 });
    history.record({ type: 'add', args: [2] }, { n: 3 });
    expect(first).toEqual({
      type: 'PERFORM_ACTION',
      action: { type: 'add', args: [1] },
      timestamp: 7,
    });
    expect(history.lifted()).toMatchObject({
      stagedActionIds: [0, 1, 2],
      computedStates: [{ state: { n: 0 } }, { state: { n: 1 } }, { state: { n: 3 } }],
      currentStateIndex: 2,
      nextActionId: 3,
    });
    history.command({ type: 'JUMP_TO_ACTION', actionId: 1 });
    expect(history.lifted().currentStateIndex).toBe(1);
    // A monitor looking at the past stays there while actions arrive.
    history.record({ type: 'add', args: [3] }, { n: 6 });
    expect(history.lifted().currentStateIndex).toBe(1);
    history.command({ type: 'JUMP_TO_STATE', index: 3 });
    expect(history.lifted().currentStateIndex).toBe(3);
    history.command({ type: 'JUMP_TO_STATE', index: 9 });
    expect(history.lifted().currentStateIndex).toBe(3);
  });

  it('folds the oldest actions into the start past maxAge, as the monitor does', () => {
    const history = createLiftedHistory(3, () => 0);
    history.init({ n: 0 });
    for (let n = 1; n <= 5; n++) history.record({ type: 'set', n }, { n });
    const lifted = history.lifted();
    expect(lifted.stagedActionIds).toEqual([0, 4, 5]);
    expect(lifted.computedStates.map(({ state }) => state)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    expect(lifted.committedState).toEqual({ n: 3 });
    expect(Object.keys(lifted.actionsById)).toEqual(['0', '4', '5']);
    expect(lifted.nextActionId).toBe(6);
    expect(history.start()).toEqual({ n: 3 });
  });

  it('takes over a lifted state the bridge computed, and ignores anything else', () => {
    const history = createLiftedHistory(5, () => 0);
    history.init({ n: 0 });
    const skipped = { ...history.lifted(), skippedActionIds: [1] };
    history.replace(skipped);
    expect(history.lifted().skippedActionIds).toEqual([1]);
    history.replace('not a lifted state');
    expect(history.lifted()).toBe(skipped);
  });
});

describe('remoteDevtools options', () => {
  it('needs a WebSocket: a typed error says how to pass one', () => {
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    delete global.WebSocket;
    try {
      expect(() => remoteDevtools({ port: 1 })).toThrow(/pass remoteDevtools\(\{ WebSocket \}\)/);
      try {
        remoteDevtools();
      } catch (error) {
        expect(isStateSyncError(error, 'invalid_option')).toBe(true);
      }
    } finally {
      if (saved !== undefined) global.WebSocket = saved;
    }
  });

  it('opens one socket on the first connect for every instance, closed with the last', async () => {
    // A plain WebSocket server on 127.0.0.1 that counts sockets and the handshakes they send.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    let open = 0;
    let handshakes = 0;
    server.on('connection', (socket) => {
      open++;
      socket.on('message', (data) => {
        if (String(data).includes('#handshake')) handshakes++;
      });
      socket.on('close', () => open--);
    });
    try {
      const Socket = WebSocket as unknown as WebSocketConstructor;
      const connect = remoteDevtools({ hostname: '127.0.0.1', port, WebSocket: Socket });
      expect(server.clients.size).toBe(0);
      const first = connect({ name: 'a' });
      const second = connect({ name: 'b' });
      await until(() => handshakes === 1, 'the handshake');
      expect(open).toBe(1);
      const stopFirst = first.subscribe(() => {}) as () => void;
      second.subscribe(() => {});
      stopFirst();
      expect(open).toBe(1);
      second.unsubscribe?.();
      await until(() => open === 0, 'the socket to close');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
