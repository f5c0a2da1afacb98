import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  compareRevisions,
  createAuthority,
  createConsoleLogger,
  createRevisionSync,
  type Epoch,
  type PatchOp,
  type Revision,
  type RevisionSyncHandle,
  tagLogger,
} from '../src/index.js';
import { createRandom, createTestBus, createVirtualClock } from '../src/testing.js';

// Fixed and printed, so any failure replays: STATESYNC_SEED=<seed> npx vitest run property
const SEED = Number(process.env.STATESYNC_SEED ?? 20261121);
const RUNS = Number(process.env.STATESYNC_RUNS ?? 1000);
// STATESYNC_EXAMPLE='<counterexample JSON>' replays one scenario with debug logging.
const EXAMPLE = process.env.STATESYNC_EXAMPLE;
const DEBUG = EXAMPLE !== undefined;

type Data = { n: number; items: string[] };

const step = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: fc.nat(1000) }),
  fc.record({ kind: fc.constant('patch' as const), value: fc.nat(1000) }),
  fc.record({ kind: fc.constant('restart' as const), keepData: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ kind: fc.constant('refresh' as const), client: fc.nat(3) }),
  fc.record({ kind: fc.constant('stop' as const), client: fc.nat(3) }),
);

const scenario = fc.record({
  busSeed: fc.integer(),
  clients: fc.integer({ min: 1, max: 4 }),
  patches: fc.boolean(),
  throttling: fc.constantFrom(undefined, { debounceMs: 10 }, { throttleMs: 25 }),
  faults: fc.record({
    drop: fc.double({ min: 0, max: 0.5, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    reorder: fc.double({ min: 0, max: 0.3, noNaN: true }),
    delayMs: fc.integer({ min: 0, max: 60 }),
    failPull: fc.double({ min: 0, max: 0.3, noNaN: true }),
    stalePull: fc.double({ min: 0, max: 0.3, noNaN: true }),
  }),
  steps: fc.array(step, { minLength: 1, maxLength: 40 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

interface Client {
  handle: RevisionSyncHandle;
  data: Data | undefined;
  stopped: boolean;
  violations: string[];
}

async function play(s: Scenario): Promise<void> {
  const clock = createVirtualClock();
  const authority = createAuthority<Data>({
    topic: 'doc',
    data: { n: 0, items: [] },
    epoch: 'e0',
    now: clock.now,
  });
  const bus = createTestBus({ authority, seed: s.busSeed, faults: s.faults, timers: clock });
  let restarts = 0;

  const clients: Client[] = Array.from({ length: s.clients }, (_, i) => {
    const link = bus.connect();
    const client: Client = {
      handle: undefined as never,
      data: undefined,
      stopped: false,
      violations: [],
    };
    let lastEpoch: Epoch | undefined;
    let stopResolved = false;
    const highest = new Map<Epoch | undefined, Revision>();
    const observe = (revision: Revision, epoch: Epoch | undefined, kind: string) => {
      if (stopResolved) client.violations.push(`${kind} ${revision} applied after stop() resolved`);
      const before = highest.get(epoch);
      if (before !== undefined && compareRevisions(revision, before) < 0) {
        client.violations.push(`${kind} ${revision} after ${before} in epoch ${epoch}`);
      }
      highest.set(epoch, revision);
      lastEpoch = epoch;
    };
    client.handle = createRevisionSync<Data>({
      topic: 'doc',
      subscriber: link.subscriber,
      provider: link.provider,
      applier: {
        apply(snapshot) {
          observe(snapshot.revision, snapshot.epoch, 'snapshot');
          client.data = snapshot.data;
        },
        ...(s.patches && {
          applyPatch(patch) {
            observe(patch.revision, patch.epoch ?? lastEpoch, 'patch');
            client.data = applyPatch(client.data, patch.ops);
          },
        }),
      },
      ...(s.throttling && { throttling: s.throttling }),
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 40, jitter: 0.5 },
      timeoutMs: 150,
      timers: clock,
      random: createRandom(s.busSeed + i),
      ...(DEBUG && {
        logger: tagLogger(createConsoleLogger({ debug: true }), { client: i, t: '' }),
      }),
    });
    const stop = client.handle.stop.bind(client.handle);
    client.handle.stop = async () => {
      await stop();
      stopResolved = true;
    };
    return client;
  });

  for (const client of clients) void client.handle.start();

  for (const next of s.steps) {
    switch (next.kind) {
      case 'set':
        authority.update((d) => ({ ...d, n: next.value }));
        break;
      case 'patch': {
        const ops: PatchOp[] = [
          { op: 'replace', path: ['n'], value: next.value },
          { op: 'add', path: ['items', authority.getData().items.length], value: `v${next.value}` },
        ];
        authority.patch(ops);
        break;
      }
      case 'restart':
        restarts++;
        bus.restartAuthority(next.keepData ? {} : { data: { n: -restarts, items: [] } });
        break;
      case 'advance':
        await clock.advance(next.ms);
        break;
      case 'refresh': {
        const client = clients[next.client % clients.length];
        if (client && !client.stopped) void client.handle.refresh().catch(() => undefined);
        break;
      }
      case 'stop': {
        const running = clients.filter((c) => !c.stopped);
        const client = clients[next.client % clients.length];
        // Keep at least one client running, so convergence is always checked.
        if (client && !client.stopped && running.length > 1) {
          client.stopped = true;
          await client.handle.stop();
        }
        break;
      }
    }
  }

  // Traffic stops: no more faults, one reliable announcement of the final revision.
  bus.heal();
  authority.publish();
  await clock.runAll(50_000);

  for (const [i, client] of clients.entries()) {
    expect(client.violations, `client ${i}`).toEqual([]);
    if (client.stopped) continue;
    expect(client.handle.getLocalRevision(), `client ${i} revision`).toBe(authority.getRevision());
    expect(client.handle.status.getState().epoch, `client ${i} epoch`).toBe(authority.getEpoch());
    expect(client.data, `client ${i} data`).toEqual(authority.getData());
  }
  for (const client of clients) if (!client.stopped) await client.handle.stop();
  await clock.runAll(50_000);
  for (const client of clients) expect(client.violations).toEqual([]);
  expect(bus.openCount()).toBe(0);
  bus.dispose();
}

describe('convergence under a lossy, reordering, restarting medium', () => {
  it(`every client converges to the authority (seed ${SEED}, ${RUNS} schedules)`, async () => {
    console.log(`property seed: ${SEED} (${RUNS} runs); replay with STATESYNC_SEED=${SEED}`);
    if (EXAMPLE !== undefined) {
      await play((JSON.parse(EXAMPLE) as Scenario[])[0] as Scenario);
      return;
    }
    await fc.assert(fc.asyncProperty(scenario, play), { seed: SEED, numRuns: RUNS });
  }, 300_000);

  it('a stale answer of an old epoch after a confirmed switch is confirmed again (seed 1, run 1186)', async () => {
    // Found with STATESYNC_SEED=1 STATESYNC_RUNS=1500: one confirming pull per fetch loop let a
    // stale snapshot of the old epoch, arriving after the confirmation, have the last word.
    await play({
      busSeed: 21,
      clients: 4,
      patches: false,
      throttling: { debounceMs: 10 },
      faults: {
        drop: 0,
        duplicate: 5e-324,
        reorder: 5e-324,
        delayMs: 18,
        failPull: 5e-324,
        stalePull: 0.21061660698615017,
      },
      steps: [
        { kind: 'refresh', client: 2 },
        { kind: 'patch', value: 0 },
        { kind: 'stop', client: 0 },
        { kind: 'restart', keepData: false },
        { kind: 'advance', ms: 71 },
        { kind: 'refresh', client: 0 },
      ],
    } as Scenario);
  });
});
