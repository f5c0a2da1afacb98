import { StateSyncError } from '@statesync/core';
import type { ClientChannel } from '../types.js';
import type { DirectChannel } from '../wire/direct-channel.js';

/** A client's side of the direct channel: `emit` asks the authority, once connected. */
export function clientChannel<P>(
  direct: DirectChannel<P>,
  connected: Promise<void>,
): ClientChannel {
  return {
    async emit(name, payload) {
      await connected;
      const [outcome] = await direct.request(name, payload);
      if (outcome?.kind === 'value') return outcome.value;
      if (outcome?.kind === 'error') throw outcome.error;
      if (outcome?.kind === 'unhandled') {
        throw new StateSyncError('invalid_option', `nothing listens to "${name}" on the authority`);
      }
      if (outcome?.kind === 'timeout') {
        throw new StateSyncError('timeout', `emit("${name}"): no answer from the authority`);
      }
      throw new StateSyncError('stopped', `emit("${name}"): the client was disposed`);
    },
    listen: (name, handler) => direct.listen(name, (payload) => handler(payload)),
  };
}
