import {
  isStateSyncError,
  parseSnapshot,
  parseStamp,
  type RevisionStamp,
  type SnapshotEnvelope,
  type SnapshotProvider,
  StateSyncError,
  type Topic,
} from '@statesync/core';
import { assertFunction, assertName, describeFailure, runCommand } from './command.js';
import type { TauriArgsOption, TauriCommandArgs, TauriInvoke } from './types.js';

export interface TauriSnapshotProviderOptions {
  /** `invoke` from `@tauri-apps/api/core`. Passed in, so this package never loads Tauri itself. */
  invoke: TauriInvoke;
  /** The command that answers the snapshot `{ revision, epoch?, data }`, e.g. `'get_settings'`. */
  commandName: string;
  /**
   * Arguments for the commands: an object, or a function of the topic returning one.
   * @default none: the commands are invoked without arguments
   */
  args?: TauriArgsOption;
  /**
   * A command that answers just `{ revision, epoch? }`. With it the provider has `getRevision`,
   * so a start from stored state pulls the snapshot only when the backend is ahead.
   * @default none
   */
  revisionCommandName?: string;
}

const FACTORY = 'createTauriSnapshotProvider';

/** Re-throws a malformed answer as a `protocol` error that names the command. */
function parseAnswer<R>(command: string, raw: unknown, parse: (raw: unknown) => R): R {
  try {
    return parse(raw);
  } catch (thrown) {
    const detail = isStateSyncError(thrown) ? thrown.message : describeFailure(thrown);
    throw new StateSyncError('protocol', `"${command}" answered a malformed reply: ${detail}`, {
      cause: thrown,
    });
  }
}

/**
 * A `SnapshotProvider` over Tauri commands. Answers are validated (`parseSnapshot`,
 * `parseStamp`); a failed command rejects with a `snapshot_failed` error that names it, which the
 * engine retries.
 */
export function createTauriSnapshotProvider<T>(
  options: TauriSnapshotProviderOptions,
): SnapshotProvider<T> {
  const { invoke, args, revisionCommandName } = options;
  assertFunction(invoke, 'invoke', FACTORY);
  const commandName = assertName(options.commandName, 'commandName', FACTORY);
  if (revisionCommandName !== undefined) {
    assertName(revisionCommandName, 'revisionCommandName', FACTORY);
  }
  if (
    args !== undefined &&
    (typeof args !== 'object' || args === null) &&
    typeof args !== 'function'
  ) {
    throw new StateSyncError('invalid_option', `${FACTORY}: args must be an object or a function`);
  }

  const argsFor = (topic: Topic): TauriCommandArgs | undefined =>
    typeof args === 'function' ? args(topic) : args;

  const provider: SnapshotProvider<T> = {
    async getSnapshot({ topic }): Promise<SnapshotEnvelope<T>> {
      const raw = await runCommand(invoke, commandName, argsFor(topic), 'snapshot_failed');
      return parseAnswer(commandName, raw, parseSnapshot<T>);
    },
  };
  if (revisionCommandName !== undefined) {
    provider.getRevision = async ({ topic }): Promise<RevisionStamp> => {
      const raw = await runCommand(invoke, revisionCommandName, argsFor(topic), 'snapshot_failed');
      return parseAnswer(revisionCommandName, raw, (value) => parseStamp(value, 'revision'));
    };
  }
  return provider;
}
