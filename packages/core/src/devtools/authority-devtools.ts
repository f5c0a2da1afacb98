import type { Authority } from '../authority.js';
import { StateSyncError } from '../errors.js';
import type { InvalidationEvent, Revision, Unsubscribe } from '../types.js';
import { createDevtoolsBridge, type DevtoolsTarget } from './devtools-bridge.js';
import {
  DEVTOOLS_FEATURES,
  type DevtoolsConnect,
  extensionConnect,
} from './devtools-connection.js';

export interface AuthorityDevtoolsOptions {
  /** The instance's name in the panel. @default the topic */
  name?: string;
  /**
   * How to reach a panel: a function of the extension's `connect` shape, where there is no page
   * (Node, Electron main, a worker). @default the browser extension's, when it is there
   */
  connect?: DevtoolsConnect;
  /** How many past states are kept for time travel (and shown in the panel). @default 50 */
  maxAge?: number;
  /** Told about every panel command that failed. */
  onError?(error: Error): void;
}

/**
 * Shows a revision-sync topic's authority in Redux DevTools: each change as an action with its
 * revision and patch ops, and time travel on the authority itself, so every window that syncs
 * the topic shows the state travelled to. A change made while travelling ends the travel (it
 * builds on the state shown). Returns the disconnect, or undefined without a panel to reach.
 */
export function connectAuthorityDevtools<T>(
  authority: Authority<T>,
  options: AuthorityDevtoolsOptions = {},
): Unsubscribe | undefined {
  const connect = options.connect ?? extensionConnect();
  if (!connect) return undefined;
  const maxAge = options.maxAge ?? 50;
  if (!(Number.isInteger(maxAge) && maxAge > 1)) {
    throw new StateSyncError('invalid_option', 'maxAge must be an integer above 1');
  }
  const history = new Map<Revision, T>();
  const keep = (revision: Revision, data: T) => {
    history.set(revision, data);
    if (history.size > maxAge) history.delete(history.keys().next().value!);
  };
  const initial = authority.getData();
  let start = initial;
  let live: { data: T } | undefined;
  let travelling = false;
  let paused = false;

  /** Changes the authority for the panel, without recording that change as an action. */
  const show = (data: T) => {
    travelling = true;
    try {
      authority.set(data);
    } finally {
      travelling = false;
    }
  };
  const known = (target: DevtoolsTarget): T =>
    target.revision !== undefined && history.has(target.revision)
      ? history.get(target.revision)!
      : (target.state as T);
  const restart = () => {
    live = undefined;
    start = authority.getData();
    history.clear();
    keep(authority.getRevision(), start);
    bridge.init(start, authority.getRevision());
  };

  const connection = connect({
    name: options.name ?? authority.topic,
    maxAge,
    features: { ...DEVTOOLS_FEATURES, skip: false },
  });
  const bridge = createDevtoolsBridge({
    connection,
    ...(options.onError && { onError: options.onError }),
    commands: {
      travel(target) {
        live ??= { data: authority.getData() };
        show(known(target));
      },
      live() {
        if (!live) return;
        const { data } = live;
        live = undefined;
        show(data);
      },
      commit: restart,
      rollback(target) {
        show(known(target));
        restart();
      },
      reset() {
        show(initial);
        restart();
      },
      import(state) {
        show(state as T);
        restart();
      },
      pause(next) {
        paused = next;
        if (!next) restart();
      },
    },
  });
  keep(authority.getRevision(), start);
  bridge.init(start, authority.getRevision());

  const off = authority.subscribe((event: InvalidationEvent) => {
    if (travelling || paused) return;
    live = undefined;
    const data = authority.getData();
    keep(event.revision, data);
    const action: { type: string; [key: string]: unknown } = {
      type: event.delta ? 'patch' : 'set',
      revision: event.revision,
    };
    if (event.delta) action.patches = event.delta.ops;
    if (event.sourceId !== undefined) action.sourceId = event.sourceId;
    bridge.record(action, data, event.revision);
  });
  return () => {
    off();
    bridge.dispose();
  };
}
