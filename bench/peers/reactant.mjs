// reactant-share's side of the shared-app bench: the same stores as statesync's
// (shared-app/stores.mjs), written as reactant modules, and the apps built on them. Used in node
// (peers/node.mjs, peers/node-worker.mjs) and bundled for Chromium (peers/page.mjs,
// peers/reactant-worker.mjs). No decorator syntax, so node runs it as it is: `@injectable`,
// `@state` and `@action` are applied by hand, exactly as TypeScript's legacy decorators would
// apply them to
//
//   @injectable({ name: 'm0' })
//   class M0 {
//     @state f0 = 0; ...
//     @action set(field, value) { this[field] = value; }
//   }
import { action, createSharedApp, delegate, injectable, PortDetector, state } from 'reactant-share';
import { fieldValues, makeItems } from '../shared-app/data.mjs';

/** Applies `@state` to `fields` and `@action` to `methods` of `Module`, then `@injectable`. */
function decorate(Module, name, fields, methods) {
  for (const field of fields) state(Module.prototype, field);
  for (const method of methods) {
    const descriptor = Object.getOwnPropertyDescriptor(Module.prototype, method);
    Object.defineProperty(Module.prototype, method, action(Module.prototype, method, descriptor));
  }
  return injectable({ name })(Module);
}

/** "modules × states": module `m<s>` has `fields` numeric state fields and the action `set`. */
export function fieldModules(stores, fields) {
  const names = Object.keys(fieldValues(fields));
  const modules = [];
  for (let s = 0; s < stores; s++) {
    class FieldModule {
      constructor() {
        Object.assign(this, fieldValues(fields));
      }

      set(field, value) {
        this[field] = value;
      }
    }
    modules.push(decorate(FieldModule, `m${s}`, names, ['set']));
  }
  return modules;
}

/** "full state": module `list<s>` has the state field `items`, empty at first, and `fill`. */
export function itemModules(stores) {
  const modules = [];
  for (let s = 0; s < stores; s++) {
    class ListModule {
      constructor() {
        this.items = [];
      }

      fill(count) {
        this.items = makeItems(s, count);
      }
    }
    modules.push(decorate(ListModule, `list${s}`, ['items'], ['fill']));
  }
  return modules;
}

/** The app's main module; it holds no state, the stores are the `modules`. */
const Main = injectable({ name: 'main' })(class Main {});

/**
 * A reactant-share app of `modules`: `port` 'server' or 'client', `type` 'Base' with
 * `transport` (node: a data-transport over MessagePorts) or 'SharedWorker' (Chromium; a client
 * with `workerURL`). Production settings: no patches checker (its dev-mode default).
 */
export function createReactantApp({ name, modules, port, type, transport, workerURL }) {
  return createSharedApp({
    modules: [...modules],
    main: Main,
    render() {},
    share: {
      name,
      type,
      port,
      ...(transport ? { transports: { [port]: transport } } : {}),
      ...(workerURL ? { workerURL } : {}),
      enablePatchesChecker: false,
    },
  });
}

/**
 * Resolves once a client app has had its first answer from the server (the full state, or that
 * it has nothing newer): what reactant-share's own `bootstrap()` waits for before rendering (that
 * `bootstrap()` needs a view module as `main`, and there is nothing to render here).
 */
export async function clientSynced(app) {
  await app.container.get(PortDetector).syncFullStatePromise;
}

/** Whether `app` is a client in SharedWorker mode (not fallen back to SharedTab). */
export function isSharedWorkerClient(app) {
  const detector = app.container.get(PortDetector);
  return detector.isClient && detector.isWorkerMode;
}

/** The instance of `Module` in `app`, for `delegate(instance, method, args)`. */
export const instanceOf = (app, Module) => app.container.get(Module);

export { delegate };
