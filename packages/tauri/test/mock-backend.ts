import './setup-tauri.js';
import { invoke } from '@tauri-apps/api/core';
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { TauriCommandArgs, TauriInvoke } from '../src/index.js';

export interface Settings {
  theme: 'light' | 'dark';
  fontSize: number;
}

export const EVENT = 'settings:invalidated';

export interface MockBackendOptions {
  settings?: Settings;
  /** Omitted: snapshots and events carry no epoch, as in the seed's backend. */
  epoch?: string;
}

/**
 * The Rust side of the seed's settings app, inside Tauri's `mockIPC`: one settings object, a
 * revision counter, `get_settings`, `update_settings` (which emits `settings:invalidated` after
 * replying, as a Rust command that emits from a spawned task would), a revision probe and three
 * record commands for the storage backend.
 */
export interface MockBackend {
  readonly settings: Settings;
  readonly revision: number;
  readonly epoch: string | undefined;
  /** The record the storage commands hold, as JSON went over the wire. */
  record: unknown;
  /** Every command the frontend invoked, in order. */
  readonly calls: { command: string; args: TauriCommandArgs }[];
  /** The next `times` calls of `command` fail with `error` (what the Rust `Err` serialises to). */
  failNext(command: string, error: unknown, times?: number): void;
  /** Answers `command` with `reply` instead, e.g. a malformed snapshot. */
  override(command: string, reply: (args: TauriCommandArgs) => unknown): void;
  /** A restart: the counter starts again at 1 under a new epoch, and an invalidation is emitted. */
  restart(epoch: string, settings: Settings): Promise<void>;
  /** Resolves once every emit the commands scheduled has been delivered. */
  flush(): Promise<void>;
}

export function mockSettingsBackend(options: MockBackendOptions = {}): MockBackend {
  let settings: Settings = options.settings ?? { theme: 'light', fontSize: 14 };
  let revision = 0;
  let epoch = options.epoch;
  const calls: MockBackend['calls'] = [];
  const failures = new Map<string, { error: unknown; times: number }>();
  const overrides = new Map<string, (args: TauriCommandArgs) => unknown>();
  const deliveries = new Set<Promise<void>>();
  // JSON both ways, as the real IPC does: no window shares an object with the backend.
  const wire = <V>(value: V): V => JSON.parse(JSON.stringify(value)) as V;
  const stamp = () => {
    const value: { revision: string; epoch?: string } = { revision: String(revision) };
    if (epoch !== undefined) value.epoch = epoch;
    return value;
  };

  // Emitted on a later task, after the command's reply is on its way.
  const emitLater = (payload: unknown) => {
    const delivery = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => emit(EVENT, payload))
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  };

  const commands: Record<string, (args: TauriCommandArgs) => unknown> = {
    get_settings: () => ({ ...stamp(), data: settings }),
    get_settings_revision: () => stamp(),
    update_settings: (args) => {
      settings = { ...settings, ...(args.patch as Partial<Settings>) };
      revision++;
      const event: Record<string, unknown> = { topic: 'settings', ...stamp() };
      if (typeof args.sourceId === 'string') event.sourceId = args.sourceId;
      emitLater(event);
      return { ...stamp(), data: settings };
    },
    load_settings_record: () => backend.record ?? null,
    save_settings_record: (args) => {
      backend.record = args.record;
      return null;
    },
    clear_settings_record: () => {
      backend.record = undefined;
      return null;
    },
  };

  mockIPC(
    (command, payload) => {
      const args = (payload ?? {}) as TauriCommandArgs;
      calls.push({ command, args: wire(args) });
      const failure = failures.get(command);
      if (failure && failure.times > 0) {
        failure.times--;
        return Promise.reject(failure.error);
      }
      const handler = overrides.get(command) ?? commands[command];
      if (!handler) return Promise.reject(`command ${command} not found`);
      return wire(handler(wire(args)));
    },
    { shouldMockEvents: true },
  );

  const backend: MockBackend = {
    get settings() {
      return settings;
    },
    get revision() {
      return revision;
    },
    get epoch() {
      return epoch;
    },
    record: undefined,
    calls,
    failNext(command, error, times = 1) {
      failures.set(command, { error, times });
    },
    override(command, reply) {
      overrides.set(command, reply);
    },
    async restart(nextEpoch, nextSettings) {
      epoch = nextEpoch;
      settings = nextSettings;
      revision = 1;
      await emit(EVENT, { topic: 'settings', ...stamp() });
    },
    async flush() {
      while (deliveries.size > 0) await Promise.all(deliveries);
    },
  };
  return backend;
}

/**
 * One Tauri window's `invoke`: the real one from `@tauri-apps/api/core` (so calls go through the
 * mocked IPC), counting what this window invoked.
 */
export function windowInvoke(): { invoke: TauriInvoke; count(command: string): number } {
  const counts = new Map<string, number>();
  return {
    invoke: (command, args) => {
      counts.set(command, (counts.get(command) ?? 0) + 1);
      return invoke(command, args);
    },
    count: (command) => counts.get(command) ?? 0,
  };
}
