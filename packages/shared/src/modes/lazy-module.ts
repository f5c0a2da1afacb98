/** A module loaded with `import()` the first time it is needed, and at hand after that. */
export interface LazyModule<M> {
  /** The module, once loaded. */
  now(): M | undefined;
  /** Loads it (once; again after a failed load). */
  load(): Promise<M>;
}

export function lazyModule<M>(load: () => Promise<M>): LazyModule<M> {
  let module: M | undefined;
  let loading: Promise<M> | undefined;
  return {
    now: () => module,
    load: () =>
      (loading ??= load().then(
        (loaded) => (module = loaded),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      )),
  };
}
