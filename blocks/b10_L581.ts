import { formatValue, type Logger, noopLogger, tagLogger } from '@statesync/core';

formatValue({ revision: '5', tags: ['a'], n: 10n }); // '{ revision: "5", tags: ["a"], n: 10n }'
formatValue(new RangeError('bad')); // 'RangeError: bad' ('StateSyncError(timeout): …' with a code)
formatValue(new Map([['k', 1]])); // 'Map(1) { "k" => 1 }'

// A Logger over any structured logger: tags and extra arrive as one record.
declare const structured: { log(level: string, message: string, fields: object): void };
const adapter: Logger = {
  debug: (message, extra) => structured.log('debug', message, extra ?? {}),
  info: (message, extra) => structured.log('info', message, extra ?? {}),
  warn: (message, extra) => structured.log('warn', message, extra ?? {}),
  error: (message, extra) => structured.log('error', message, extra ?? {}),
};
const tagged = tagLogger(adapter, { windowId: 'settings' }); // no child(): tags merge into extra
tagged.info('opened'); // structured.log('info', 'opened', { windowId: 'settings' })
noopLogger.error('dropped'); // prints nothing
