// FOR RUNNING THE EXAMPLE OUTSIDE TAURI ONLY. This page plays the Tauri process: it runs the
// backend stand-in and opens two "windows" (iframes, each its own JavaScript context like a
// webview), which reach the backend through Tauri's official mocks (see window.ts).
import { createMockBackend, type MockBackend } from './backend.js';

/** What the frames find on their parent. */
export interface TauriHost {
  tauriBackend: MockBackend;
}

const backend = createMockBackend();
(window as Window & Partial<TauriHost>).tauriBackend = backend;

const windows = document.getElementById('windows') as HTMLElement;
for (const label of ['main', 'settings']) {
  const frame = document.createElement('iframe');
  frame.title = `window ${label}`;
  frame.name = label;
  frame.src = `/window.html?label=${label}`;
  windows.append(frame);
}

document.getElementById('backend-toggle')?.addEventListener('click', () => backend.toggleTheme());
