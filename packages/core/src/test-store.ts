import { createObservable, type Observable } from './subscribable.js';

/** The smallest store for tests of bindings: an observable whose value tests set by hand. */
export interface TestStore<T> extends Observable<T> {
  /** Same as `set`: replaces the value and tells the listeners, unless it is the same. */
  setState(next: T): void;
}

export function createTestStore<T>(initial: T): TestStore<T> {
  const observable = createObservable(initial);
  return { ...observable, setState: observable.set };
}
