/** The templates create-statesync knows, each a folder of `templates/`. */
export const TEMPLATES = {
  'react-shared-worker':
    'React to-do list whose store runs in a SharedWorker (an elected tab where there is none)',
  'vue-shared-tab': 'Vue to-do list whose store runs in one elected tab, with failover',
  'vanilla-revision-sync':
    'plain TypeScript: a list owned by a SharedWorker, followed by revision sync',
  'tauri-pinia':
    'Tauri frontend: a Pinia store mirrored from the Rust backend (runs in a browser under Tauri mocks)',
} as const;

export type TemplateName = keyof typeof TEMPLATES;

export const isTemplateName = (value: unknown): value is TemplateName =>
  typeof value === 'string' && Object.hasOwn(TEMPLATES, value);
