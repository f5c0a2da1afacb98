// The detached panel: only the to-do list, in its own small window or in an iframe of the main
// window. Another client of the same SharedWorker; it follows the shared settings too.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Settings } from './model/settings.js';
import { todos } from './model/todos.js';
import { applyAppearance, setTitleFormat } from './shell/appearance.js';
import { mount } from './shell/mount.js';
import { StatusStrip } from './shell/status-strip.js';
import { windowKind, windowLabel } from './shell/window-kind.js';
import { createDemoApp } from './sync/demo-app.js';
import { createLatencyMeter } from './sync/latency.js';
import { startSettingsSync } from './sync/settings-sync.js';
import { TodoList } from './todos/todo-list.js';
import './styles.css';

const kind = windowKind('panel');
document.documentElement.dataset.window = kind;

const { app, todosApp, logger } = createDemoApp();
const meter = createLatencyMeter();

setTitleFormat((workspace) => `To-dos · ${workspace}`);
// No framework store for the settings here: the applier styles the page directly.
const settings = startSettingsSync({
  app,
  applier: { apply: ({ data }: { data: Settings }) => applyAppearance(data) },
  logger,
});
await Promise.race([settings.hydrated, new Promise((resolve) => setTimeout(resolve, 300))]);

const store = todosApp.store(todos);
createRoot(mount('panel-root')).render(
  <StrictMode>
    <TodoList
      store={store}
      meter={meter}
      by={windowLabel(kind, todosApp.status.getState().clientId)}
      compact
    />
    <StatusStrip
      app={todosApp}
      todos={store.status}
      settings={settings.status}
      meter={meter}
      kind={kind}
    />
  </StrictMode>,
);
