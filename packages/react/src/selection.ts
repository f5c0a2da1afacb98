/** What a component showed last, kept across its renders. */
export interface Shown<U> {
  has: boolean;
  value: U;
}

/**
 * `getSelection(state)` for `useSyncExternalStore`: the selector's result, memoized so that the
 * same state, or a new state whose selection `isEqual` the previous one, gives back the previous
 * selection itself. React then sees no change and does not re-render.
 *
 * A new memo is made whenever the selector changes identity (an inline arrow does on every
 * render); its first result is compared with what the component showed last, so the value
 * keeps its identity across those renders too.
 */
export function memoizeSelection<T, U>(
  selector: (state: T) => U,
  isEqual: (a: U, b: U) => boolean,
  shown: Shown<U>,
): (state: T) => U {
  let has = false;
  let lastState: T;
  let lastSelection: U;
  return (state) => {
    if (has && Object.is(state, lastState)) return lastSelection;
    const next = selector(state);
    if (has) {
      if (!isEqual(lastSelection, next)) lastSelection = next;
    } else {
      lastSelection = shown.has && isEqual(shown.value, next) ? shown.value : next;
      has = true;
    }
    lastState = state;
    return lastSelection;
  };
}
