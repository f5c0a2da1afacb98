import type { Topic } from '@statesync/core';

/**
 * What `listen` hands its handler. Tauri's event object (`{ event, id, payload }`) has this shape;
 * only `payload` is read.
 */
export interface TauriEvent<P = unknown> {
  payload: P;
}

/**
 * Stops a listener. Tauri's own returns a promise at run time although it is typed `() => void`;
 * both are accepted.
 */
export type TauriUnlisten = () => void | Promise<void>;

/** `listen` from `@tauri-apps/api/event`, or any function of its shape. */
export type TauriListen = (
  event: string,
  handler: (event: TauriEvent) => void,
) => Promise<TauriUnlisten>;

/** Arguments of a Tauri command; keys are camelCase in JS and snake_case in Rust. */
export type TauriCommandArgs = Record<string, unknown>;

/** `invoke` from `@tauri-apps/api/core`, or any function of its shape. */
export type TauriInvoke = (command: string, args?: TauriCommandArgs) => Promise<unknown>;

/** Command arguments, fixed or computed from the topic being synced. */
export type TauriArgsOption = TauriCommandArgs | ((topic: Topic) => TauriCommandArgs | undefined);
