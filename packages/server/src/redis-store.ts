import type { PatchOp } from '@statesync/core';
import { randomId, StateSyncError } from '@statesync/core';
import type { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/** One change as a topic's stream carries it; the entry id is `<revision>-0`. */
export interface StreamEntry {
  revision: string;
  epoch: string;
  origin: string;
  ops: PatchOp[];
}

export interface TopicState {
  revision: string;
  epoch: string;
  /** Undefined while the topic was never written. */
  data: unknown;
}

/** Who made a call and its place in that caller's series; undefined for the server's own runs. */
export interface CallKey {
  client: string;
  seq: number;
}

export type CommitOutcome =
  | { kind: 'applied'; revision: string; epoch: string }
  | { kind: 'conflict' }
  /** The call was made before: its recorded answer, or undefined when no longer kept. */
  | { kind: 'duplicate'; revision: string; epoch: string; answer: string | undefined };

export const keysOf = (topic: string) => ({
  state: `statesync:{${topic}}:state`,
  stream: `statesync:{${topic}}:stream`,
  /** One caller's record for this topic: its last sequence number and its recent answers. */
  calls: (client: string) => `statesync:{${topic}}:calls:${client}`,
});

/**
 * One atomic step (Redis runs a script without interleaving): a call whose sequence number is
 * not above its client's last is a duplicate and answered from its record; otherwise, unless the
 * revision moved since the action ran (a conflict), the state, revision, the client's last id,
 * the call's answer and the stream entry are written together. Each client's record is a key of
 * its own that expires once it has been idle (no call, no re-send) for the record TTL.
 * KEYS: state, the client's record, stream. ARGV: 1 expected revision, 2 seq (0: no record),
 * 3 mode (change | same | error), 4 data JSON, 5 answer JSON, 6 origin, 7 ops JSON,
 * 8 fresh epoch, 9 stream length, 10 answers kept per client, 11 record TTL in ms.
 */
const COMMIT = `
local seq = tonumber(ARGV[2])
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then epoch = ARGV[8]; redis.call('HSET', KEYS[1], 'epoch', epoch) end
local rev = redis.call('HGET', KEYS[1], 'revision') or '0'
if seq > 0 then
  local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
  if seq <= last then
    redis.call('PEXPIRE', KEYS[2], ARGV[11])
    return {'duplicate', redis.call('HGET', KEYS[2], 'r:' .. ARGV[2]) or '', epoch, rev}
  end
end
if ARGV[3] ~= 'error' and rev ~= ARGV[1] then return {'conflict'} end
local revision = rev
if ARGV[3] == 'change' then
  revision = string.format('%.0f', tonumber(rev) + 1)
  redis.call('HSET', KEYS[1], 'data', ARGV[4], 'revision', revision)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], revision .. '-0',
    'revision', revision, 'epoch', epoch, 'origin', ARGV[6], 'ops', ARGV[7])
end
if seq > 0 then
  local keep = cjson.decode(redis.call('HGET', KEYS[2], 'keep') or '[]')
  table.insert(keep, seq)
  if #keep > tonumber(ARGV[10]) then
    redis.call('HDEL', KEYS[2], 'r:' .. string.format('%.0f', table.remove(keep, 1)))
  end
  redis.call('HSET', KEYS[2], 'last', ARGV[2], 'keep', cjson.encode(keep),
    'r:' .. ARGV[2], revision .. '\\n' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[11])
end
return {'applied', revision, epoch}
`;

/** How many answers each client's record keeps: far more than a client has in flight. */
export const ANSWERS_KEPT = 256;

/** The canonical state of each topic in Redis, its call records and its stream. */
export interface RedisStoreOptions {
  /** How many entries each topic's stream keeps. */
  streamLength: number;
  /** How long a client's call record lives after its last call or re-send. */
  callRecordTtlMs: number;
}

export function createRedisStore(redis: RedisClient, options: RedisStoreOptions) {
  const freshEpoch = randomId();

  async function read(topic: string): Promise<TopicState> {
    const k = keysOf(topic);
    let [data, revision, epoch] = await redis.hmGet(k.state, ['data', 'revision', 'epoch']);
    if (!epoch) {
      await redis.hSetNX(k.state, 'epoch', freshEpoch);
      epoch = (await redis.hGet(k.state, 'epoch')) ?? freshEpoch;
    }
    return { revision: revision ?? '0', epoch, data: data ? JSON.parse(data) : undefined };
  }

  async function commit(
    topic: string,
    expected: string,
    call: CallKey | undefined,
    mode: 'change' | 'same' | 'error',
    data: unknown,
    answer: unknown,
    origin: string,
    ops: readonly PatchOp[],
  ): Promise<CommitOutcome> {
    const k = keysOf(topic);
    const reply = (await redis.eval(COMMIT, {
      // Without a call, a key of the topic's slot that the script never touches.
      keys: [k.state, k.calls(call?.client ?? ''), k.stream],
      arguments: [
        expected,
        String(call?.seq ?? 0),
        mode,
        mode === 'change' ? JSON.stringify(data) : '',
        JSON.stringify(answer),
        origin,
        JSON.stringify(ops),
        freshEpoch,
        String(options.streamLength),
        String(ANSWERS_KEPT),
        String(options.callRecordTtlMs),
      ],
    })) as string[];
    if (reply[0] === 'applied') {
      return { kind: 'applied', revision: String(reply[1]), epoch: String(reply[2]) };
    }
    if (reply[0] === 'duplicate') {
      const record = String(reply[1]);
      const cut = record.indexOf('\n');
      return {
        kind: 'duplicate',
        revision: cut > 0 ? record.slice(0, cut) : String(reply[3]),
        epoch: String(reply[2]),
        answer: cut > 0 ? record.slice(cut + 1) : undefined,
      };
    }
    return { kind: 'conflict' };
  }

  /** The entries after `revision`, or undefined when the stream no longer holds all of them. */
  async function since(topic: string, revision: string): Promise<StreamEntry[] | undefined> {
    const first = `${BigInt(revision) + 1n}-0`;
    const entries = await redis.xRange(keysOf(topic).stream, first, '+');
    if (entries.length > 0) return entries[0]!.id === first ? entries.map(toEntryOf) : undefined;
    const current = (await redis.hGet(keysOf(topic).state, 'revision')) ?? '0';
    return current === revision ? [] : undefined;
  }

  return { read, commit, since };
}

export function toEntryOf(raw: { id: string; message: Record<string, string> }): StreamEntry {
  const { revision, epoch, origin, ops } = raw.message;
  if (!revision || !epoch || origin === undefined || !ops) {
    throw new StateSyncError('protocol', `malformed stream entry ${raw.id}`);
  }
  return { revision, epoch, origin, ops: JSON.parse(ops) as PatchOp[] };
}

export type RedisStore = ReturnType<typeof createRedisStore>;
