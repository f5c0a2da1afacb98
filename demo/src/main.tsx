// The main window: the settings panel (Vue + Pinia) and the to-do list (React), both clients of
// the SharedWorker authority, with buttons that open more clients.
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { useStore } from '@statesync/react';
import { createPinia } from 'pinia';
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApp } from 'vue';
import { todos } from './model/todos.js';
import { SettingsPanel } from './settings/settings-panel.js';
import { settingsContext, useSettings } from './settings/settings-store.js';
import { applyAppearance, setTitleFormat } from './shell/appearance.js';
import { FrameClients } from './shell/frame-clients.js';
import { mount } from './shell/mount.js';
import { StatusStrip } from './shell/status-strip.js';
import { WindowButtons } from './shell/window-buttons.js';
import { windowLabel } from './shell/window-kind.js';
import { createDemoApp } from './sync/demo-app.js';
import { createLatencyMeter } from './sync/latency.js';
import { startSettingsSync } from './sync/settings-sync.js';
import { createValue } from './sync/value.js';
import { TodoList } from './todos/todo-list.js';
import './styles.css';

const { app, todosApp, logger } = createDemoApp();
const meter = createLatencyMeter();

// Settings: the Pinia store is the mirror; the page's look follows it.
const pinia = createPinia();
// biome-ignore lint/correctness/useHookAtTopLevel: a Pinia store, not a React hook
const settingsStore = useSettings(pinia);
setTitleFormat((workspace) => `${workspace} · statesync demo`);
applyAppearance(settingsStore.$state);
settingsStore.$subscribe((_mutation, state) => applyAppearance(state), { detached: true });
const settings = startSettingsSync({
  app,
  applier: createPiniaSnapshotApplier(settingsStore, { mode: 'replace' }),
  logger,
});

// Stored settings first, so a dark-theme user never sees the page flash light.
await Promise.race([settings.hydrated, new Promise((resolve) => setTimeout(resolve, 300))]);

createApp(SettingsPanel)
  .use(pinia)
  .provide(settingsContext, { sync: settings, meter })
  .mount(mount('settings-root'));

const frames = createValue<readonly number[]>([]);
let nextFrame = 1;
const addFrame = () => frames.set([...frames.getState(), nextFrame++]);
const removeFrame = (id: number) => frames.set(frames.getState().filter((frame) => frame !== id));

function Frames() {
  return <FrameClients frames={useStore(frames)} onRemove={removeFrame} />;
}

const store = todosApp.store(todos);
const by = windowLabel('main', todosApp.status.getState().clientId);
const render = (id: string, node: ReactNode) =>
  createRoot(mount(id)).render(<StrictMode>{node}</StrictMode>);

render('window-buttons', <WindowButtons onAddFrame={addFrame} />);
render('todos-root', <TodoList store={store} meter={meter} by={by} />);
render('frames-root', <Frames />);
render(
  'status-root',
  <StatusStrip
    app={todosApp}
    todos={store.status}
    settings={settings.status}
    meter={meter}
    kind="main"
  />,
);
