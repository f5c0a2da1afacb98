// @statesync/server on a real redis-server (started here on a free port, no persistence):
// fan-out latency from a call on one instance to a client of another, against a raw `ws` relay
// (one socket's message forwarded to another by a plain ws server), and calls per second per
// instance, against raw ws request/answer round trips over as many sockets.
import { createStateSyncServer } from '@statesync/server';
import { defineStore } from '@statesync/shared';
import WebSocket, { WebSocketServer } from 'ws';
import { freePort, startRedis } from '../scripts/redis-server.mjs';
import { now, percentile } from './measure.mjs';

export const title = '@statesync/server through Redis vs raw ws';

const SAMPLES = 300;
const CONNECTIONS = 10;
const CALLS = 2_000;

const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: {
    increase(draft) {
      draft.count += 1;
      return draft.count;
    },
  },
});

function open(url) {
  const socket = new WebSocket(url);
  const handlers = new Set();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    for (const handler of handlers) handler(message);
  });
  return new Promise((resolve) => socket.once('open', () => resolve({ socket, handlers })));
}

const next = (peer, match) =>
  new Promise((resolve) => {
    const handler = (message) => {
      if (!match(message)) return;
      peer.handlers.delete(handler);
      resolve(message);
    };
    peer.handlers.add(handler);
  });

const send = (peer, message) => peer.socket.send(JSON.stringify({ v: 1, ...message }));

async function fanOutLatency(urls) {
  const caller = await open(urls[0]);
  const follower = await open(urls[1]);
  send(follower, { type: 'subscribe', topic: 'counter' });
  const samples = [];
  for (let i = 1; i <= SAMPLES + 20; i += 1) {
    const started = now();
    const arrived = next(follower, (m) => m.type === 'invalidate');
    send(caller, {
      type: 'call',
      id: `bench:${i}`,
      topic: 'counter',
      action: 'increase',
      args: [],
    });
    await arrived;
    if (i > 20) samples.push((now() - started) * 1000);
  }
  caller.socket.close();
  follower.socket.close();
  return samples;
}

async function relayLatency() {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  const clients = [];
  wss.on('connection', (socket) => {
    clients.push(socket);
    socket.on('message', (data) => {
      for (const other of clients) if (other !== socket) other.send(String(data));
    });
  });
  const a = await open(`ws://127.0.0.1:${port}`);
  const b = await open(`ws://127.0.0.1:${port}`);
  const samples = [];
  for (let i = 1; i <= SAMPLES + 20; i += 1) {
    const started = now();
    const arrived = next(b, () => true);
    send(a, { type: 'ping', i });
    await arrived;
    if (i > 20) samples.push((now() - started) * 1000);
  }
  a.socket.close();
  b.socket.close();
  await new Promise((resolve) => wss.close(resolve));
  return samples;
}

/** Calls per second through one instance: CONNECTIONS sockets, one call in flight each. */
async function callsPerSecond(url, answer) {
  const peers = await Promise.all(Array.from({ length: CONNECTIONS }, () => open(url)));
  let issued = 0;
  const started = now();
  await Promise.all(
    peers.map(async (peer, index) => {
      while (issued < CALLS) {
        issued += 1;
        const id = `tp${index}:${issued}`;
        const done = next(peer, (m) => m.id === id);
        send(peer, answer(id));
        await done;
      }
    }),
  );
  const seconds = (now() - started) / 1000;
  for (const peer of peers) peer.socket.close();
  return CALLS / seconds;
}

export async function run({ report }) {
  const redis = await startRedis();
  const servers = [];
  try {
    const urls = [];
    for (let i = 0; i < 2; i += 1) {
      const server = createStateSyncServer({ redisUrl: redis.url, topics: [counter] });
      servers.push(server);
      urls.push(`ws://127.0.0.1:${await server.listen(0)}`);
    }
    const fan = await fanOutLatency(urls);
    const relay = await relayLatency();
    report({
      name: 'fan-out: call on instance A → invalidation at a client of instance B (Redis)',
      value: percentile(fan, 50),
      p99: percentile(fan, 99),
      unit: 'µs',
      baseline: {
        name: 'raw ws relay: one socket to another through a plain ws server',
        value: percentile(relay, 50),
        p99: percentile(relay, 99),
        unit: 'µs',
      },
    });

    const calls = await callsPerSecond(urls[0], (id) => ({
      type: 'call',
      id,
      topic: 'counter',
      action: 'increase',
      args: [],
    }));
    const port = await freePort();
    const echo = new WebSocketServer({ port, host: '127.0.0.1' });
    echo.on('connection', (socket) =>
      socket.on('message', (data) =>
        socket.send(JSON.stringify({ id: JSON.parse(String(data)).id })),
      ),
    );
    const echoes = await callsPerSecond(`ws://127.0.0.1:${port}`, (id) => ({ type: 'ping', id }));
    await new Promise((resolve) => echo.close(resolve));
    report({
      name: `throughput of one instance: calls/s over ${CONNECTIONS} sockets (one in flight each)`,
      value: Math.round(calls),
      baseline: {
        name: 'raw ws request/answer round trips/s, same sockets',
        value: Math.round(echoes),
      },
    });
  } finally {
    for (const server of servers) await server.close();
    await redis.stop();
  }
}
