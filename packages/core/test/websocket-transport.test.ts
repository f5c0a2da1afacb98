import { createWebSocketTransport, type WebSocketConstructor } from '@statesync/core';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { describeTransportConformance } from './conformance/transport-conformance.js';

/** A plain ws server on 127.0.0.1 that relays each message to every other socket. */
function relayServer() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const listening = new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      for (const other of server.clients) if (other !== socket) other.send(String(data));
    });
  });
  return {
    server,
    async url() {
      await listening;
      const address = server.address();
      return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
  };
}

const Socket = WebSocket as unknown as WebSocketConstructor;

describeTransportConformance(
  'WebSocket (through a relay server)',
  () => {
    const relay = relayServer();
    return {
      async connect() {
        const url = await relay.url();
        let opened!: () => void;
        const open = new Promise<void>((resolve) => {
          opened = resolve;
        });
        const transport = createWebSocketTransport({ url, WebSocket: Socket, onOpen: opened });
        await open;
        return transport;
      },
      cleanup: () => new Promise<void>((resolve) => relay.server.close(() => resolve())),
    };
  },
  { clones: false },
);

describe('createWebSocketTransport', () => {
  it('reports a lost socket once; later sends go nowhere, sends after close() throw stopped', async () => {
    const relay = relayServer();
    const url = await relay.url();
    const reasons: string[] = [];
    const a = createWebSocketTransport({
      url,
      WebSocket: Socket,
      onClose: (why) => reasons.push(why),
    });
    const b = createWebSocketTransport({ url, WebSocket: Socket });
    const received = new Promise((resolve) => b.subscribe(resolve));
    // b may not be connected when a's early message is relayed; send until it hears one.
    const deadline = Date.now() + 5_000;
    let heard: unknown;
    void received.then((message) => {
      heard = message;
    });
    while (heard === undefined && Date.now() < deadline) {
      a.send({ early: true });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(heard).toEqual({ early: true });
    for (const client of relay.server.clients) client.terminate();
    const until = Date.now() + 5_000;
    while (reasons.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(reasons).toHaveLength(1);
    expect(() => a.send('after')).not.toThrow();
    a.close();
    b.close();
    expect(() => a.send('closed')).toThrow(expect.objectContaining({ code: 'stopped' }));
    await new Promise<void>((resolve) => relay.server.close(() => resolve()));
  });
});
