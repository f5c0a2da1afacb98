import {
  createAuthority,
  createBroadcastChannelTransport,
  type Logger,
  serveAuthority,
} from '@statesync/core';
import { CHANNEL, isWriteRequest, type Settings, TOPIC, validChanges } from './settings.js';

/**
 * The leader's part: owns the settings for every tab of the origin, starting from `data` (what
 * this tab showed when it was elected). It serves until the tab closes, so there is no teardown.
 */
export function lead(data: Settings, logger: Logger): void {
  // A new authority takes a new epoch, so tabs accept its counter starting again at "0".
  const authority = createAuthority<Settings>({ topic: TOPIC, data, logger });
  // Its own end of the channel: this tab's follower hears it like any other tab does.
  const transport = createBroadcastChannelTransport(CHANNEL, { logger });
  serveAuthority(authority, transport, { logger });
  transport.subscribe((message) => {
    if (!isWriteRequest(message)) return;
    const changes = validChanges(message.changes);
    if (Object.keys(changes).length === 0) return;
    authority.update((current) => ({ ...current, ...changes }), { sourceId: message.from });
  });
  // Tabs that followed the previous leader hear of the new epoch and pull from this one.
  authority.publish();
}
