// FOR RUNNING THE EXAMPLE OUTSIDE TAURI ONLY. Tauri's official mocks stand in for the webview's
// IPC: `invoke` reaches the backend stand-in on the host page, and what the backend emits is
// delivered to this window's `listen` handlers through the mocks' `emit`.
import { emit } from '@tauri-apps/api/event';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { TauriHost } from './host.js';

const label = new URLSearchParams(location.search).get('label') ?? 'main';
const { tauriBackend } = window.parent as Window & TauriHost;

// Everything crosses Tauri's IPC as JSON: this window never shares an object with the backend.
const overIpc = <V>(value: V): V => JSON.parse(JSON.stringify(value ?? null)) as V;

mockWindows(label);
mockIPC(
  async (command, args) =>
    overIpc(await tauriBackend.invoke(command, overIpc((args ?? {}) as Record<string, unknown>))),
  { shouldMockEvents: true }, // `emit` reaches what `listen` registered
);
const disconnect = tauriBackend.connect((event, payload) => void emit(event, overIpc(payload)));
addEventListener('pagehide', disconnect);
