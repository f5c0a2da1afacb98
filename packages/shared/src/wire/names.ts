/**
 * Every name the shared layer gives to things other code can see: topics, links and channels,
 * Web Locks and the IndexedDB database. All of them start with `statesync` (or the app's name,
 * for topics), so that they do not collide with the page's own.
 */

/** A store's topic: `<app>/<store>`. */
export const topicOf = (app: string, store: string) => `${app}/${store}`;

/**
 * The name a transport goes by when none is given: the link of a window or worker, the port of
 * an extension, the channel of a service worker.
 */
export const DEFAULT_LINK_NAME = 'statesync';

/**
 * An app's name in media it shares with other code: its window, worker, extension and
 * service-worker links, and the BroadcastChannel its tabs talk over in `SharedTab` mode.
 */
export const linkName = (app: string) => `statesync:${app}`;

/** The Web Lock whose holder is the leader tab of app `app` in `SharedTab` mode. */
export const leaderLock = (app: string) => `statesync:${app}:leader`;

/** The Web Lock an instance of app `app` holds for its life starts so; its id follows. */
export const tabLockPrefix = (app: string) => `statesync:${app}:tab:`;

/** The Web Lock a window link holds while it lives, so its server notices the page is gone. */
export const linkLock = (id: string) => `statesync:link:${id}`;

/**
 * The IndexedDB database of `createIndexedDBStorage` when none is given; its own, so that it
 * never meets another package's database of another layout.
 */
export const DEFAULT_DATABASE = 'statesync-shared';
