import {
  createObservable as createCoreObservable,
  type Logger,
  type Observable,
} from '@statesync/core/base';

export type { Observable };

/** Core's observable, with a listener that throws logged as `store listener threw`. */
export function createObservable<T>(initial: T, logger: Logger): Observable<T> {
  return createCoreObservable(initial, (error) => logger.error('store listener threw', { error }));
}
