import { defineConfig } from 'vite';

export default defineConfig({
  // The SharedWorker is started with `type: 'module'`: its bundle must be an ES module.
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
