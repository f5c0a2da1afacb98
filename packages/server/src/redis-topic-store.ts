import type { PatchOp } from '@statesync/core';
import { randomId, StateSyncError } from '@statesync/core';
import type { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/** One change as the topic's stream carries it; the entry id is `<revision>-0`. */
export interface StreamEntry {
  revision: string;
  epoch: string;
  origin: string;
  ops: PatchOp[];
}

export interface CallRecord {
  seq: number;
  revision: string;
  value?: unknown;
}

export type CommitOutcome =
  | { kind: 'applied'; revision: string }
  | { kind: 'conflict' }
  | { kind: 'duplicate'; record: CallRecord };

const keys = (topic: string) => ({
  state: `statesync:{${topic}}:state`,
  calls: `statesync:{${topic}}:calls`,
  stream: `statesync:{${topic}}:stream`,
});

/**
 * Checks the revision and the caller's last call, then writes state, revision, epoch, the call
 * record and the stream entry in one step: Redis runs a script without interleaving.
 * KEYS: state hash, calls hash, stream. ARGV: expected revision, client, seq, state JSON,
 * record JSON, origin, ops JSON, fresh epoch, stream length.
 */
const COMMIT = `
local rev = redis.call('HGET', KEYS[1], 'revision') or '0'
local last = redis.call('HGET', KEYS[2], ARGV[2])
if last then
  local record = cjson.decode(last)
  if tonumber(record.seq) >= tonumber(ARGV[3]) then return {'duplicate', last} end
end
if rev ~= ARGV[1] then return {'conflict'} end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then epoch = ARGV[8]; redis.call('HSET', KEYS[1], 'epoch', epoch) end
local nextRev = tostring(tonumber(rev) + 1)
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'revision', nextRev)
local record = cjson.decode(ARGV[5])
record.revision = nextRev
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(record))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], nextRev .. '-0',
  'revision', nextRev, 'epoch', epoch, 'origin', ARGV[6], 'ops', ARGV[7])
return {'applied', nextRev}
`;

export interface TopicSnapshot {
  revision: string;
  epoch: string;
  state: unknown;
}

/** The canonical state of each topic in Redis, its call records and its stream. */
export function createRedisTopicStore(redis: RedisClient, streamLength = 1000) {
  const initialEpoch = randomId();

  async function read(topic: string, initial: unknown): Promise<TopicSnapshot> {
    const k = keys(topic);
    const [state, revision, epoch] = await redis.hmGet(k.state, ['state', 'revision', 'epoch']);
    if (!epoch) await redis.hSetNX(k.state, 'epoch', initialEpoch);
    const e = epoch ?? (await redis.hGet(k.state, 'epoch')) ?? initialEpoch;
    return { revision: revision ?? '0', epoch: e, state: state ? JSON.parse(state) : initial };
  }

  async function commit(
    topic: string,
    expected: string,
    client: string,
    seq: number,
    state: unknown,
    value: unknown,
    ops: PatchOp[],
  ): Promise<CommitOutcome> {
    const k = keys(topic);
    const reply = (await redis.eval(COMMIT, {
      keys: [k.state, k.calls, k.stream],
      arguments: [
        expected,
        client,
        String(seq),
        JSON.stringify(state),
        JSON.stringify(value === undefined ? { seq } : { seq, value }),
        client,
        JSON.stringify(ops),
        initialEpoch,
        String(streamLength),
      ],
    })) as string[];
    if (reply[0] === 'applied') return { kind: 'applied', revision: String(reply[1]) };
    if (reply[0] === 'duplicate') {
      return { kind: 'duplicate', record: JSON.parse(String(reply[1])) as CallRecord };
    }
    return { kind: 'conflict' };
  }

  /** Entries after `revision`, or undefined when the stream no longer holds all of them. */
  async function since(topic: string, revision: string): Promise<StreamEntry[] | undefined> {
    const from = BigInt(revision) + 1n;
    const entries = await redis.xRange(keys(topic).stream, `${from}-0`, '+');
    if (entries.length > 0 && entries[0]?.id !== `${from}-0`) return undefined;
    if (entries.length === 0) {
      const current = (await redis.hGet(keys(topic).state, 'revision')) ?? '0';
      if (current !== revision) return undefined;
    }
    return entries.map((entry) => toEntry(entry.message));
  }

  return { read, commit, since, streamKey: (topic: string) => keys(topic).stream };
}

export function toEntry(message: Record<string, string>): StreamEntry {
  const { revision, epoch, origin, ops } = message;
  if (!revision || !epoch || origin === undefined || !ops) {
    throw new StateSyncError('protocol', 'malformed stream entry');
  }
  return { revision, epoch, origin, ops: JSON.parse(ops) as PatchOp[] };
}

export type RedisTopicStore = ReturnType<typeof createRedisTopicStore>;
