// @statesync/core's WebSocket connection against a real `ws` server that loses a socket on
// purpose: what was in flight on it goes out again on the next one.
import {
  createTransportProvider,
  createWebSocketConnection,
  PROTOCOL_VERSION,
  type WebSocketConstructor,
} from '@statesync/core';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { freePort } from './redis-server.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});

/** A server whose first socket is cut as soon as it hears a pull; later sockets answer. */
async function flakyServer() {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  closers.push(() => wss.close());
  await new Promise((resolve) => wss.once('listening', resolve));
  const heard: { socket: number; type: string; id: string }[] = [];
  let sockets = 0;
  wss.on('connection', (socket) => {
    const mine = ++sockets;
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      heard.push({ socket: mine, type: message.type, id: message.id });
      if (mine === 1 && message.type === 'pull') return socket.terminate();
      const reply = (body: Record<string, unknown>) =>
        socket.send(JSON.stringify({ v: PROTOCOL_VERSION, id: message.id, ...body }));
      if (message.type === 'pull') {
        reply({
          type: 'snapshot',
          topic: message.topic,
          revision: '3',
          epoch: 'e',
          data: { n: 3 },
        });
      } else if (message.type === 'call') {
        reply({ type: 'result', revision: '4', epoch: 'e', value: message.args[0] });
      }
    });
  });
  return { url: `ws://127.0.0.1:${port}`, heard };
}

it('sends a pull lost with its socket again on the next one, under its id', async () => {
  const server = await flakyServer();
  const conn = createWebSocketConnection({
    url: server.url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    backoff: { minMs: 1, maxMs: 20 },
  });
  closers.push(conn.close);
  const provider = createTransportProvider<{ n: number }>(conn.transport('t'), 't');
  const snapshot = await provider.getSnapshot({ topic: 't', signal: new AbortController().signal });
  expect(snapshot).toEqual({ revision: '3', epoch: 'e', data: { n: 3 } });
  const pulls = server.heard.filter((entry) => entry.type === 'pull');
  expect(pulls.map((entry) => entry.socket)).toEqual([1, 2]);
  expect(pulls[1]!.id).toBe(pulls[0]!.id);
  expect(conn.status.getState().reconnects).toBe(1);
});

it('sends a call under the id given, and refuses that id while it is in flight', async () => {
  const server = await flakyServer();
  const conn = createWebSocketConnection({
    url: server.url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  closers.push(conn.close);
  const first = conn.call('t', 'echo', ['a'], { id: 'mine:7' });
  await expect(conn.call('t', 'echo', ['b'], { id: 'mine:7' })).rejects.toMatchObject({
    code: 'invalid_option',
  });
  await expect(first).resolves.toEqual({ value: 'a', revision: '4', epoch: 'e' });
  expect(server.heard.filter((entry) => entry.type === 'call').map((entry) => entry.id)).toEqual([
    'mine:7',
  ]);
});
