import { createRevisionSync, type SyncErrorContext, type SyncPhase } from '@statesync/core';

const loud: SyncPhase[] = ['subscribe', 'apply', 'patch', 'protocol'];

function onError(context: SyncErrorContext): void {
  const { phase, topic, error, attempt, willRetry, nextDelayMs } = context;
  if (willRetry) {
    console.debug(
      `${topic}: attempt ${attempt} failed (${error.code}), retrying in ${nextDelayMs} ms`,
    );
    return;
  }
  const log = loud.includes(phase) ? console.error : console.warn;
  log(`${topic}: ${phase} failed at revision ${context.localRevision ?? 'none'}`, error);
}

createRevisionSync<unknown>({
  topic: 'settings',
  subscriber: { subscribe: () => () => {} },
  provider: { getSnapshot: async () => ({ revision: '0', data: null }) },
  applier: { apply() {} },
  onError,
});
