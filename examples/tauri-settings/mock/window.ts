// FOR RUNNING THE EXAMPLE OUTSIDE TAURI ONLY. The entry of one simulated window: install Tauri's
// mocks first, then run the real frontend, src/main.ts, unchanged.
import './tauri-mocks.js';
import '../src/main.js';
