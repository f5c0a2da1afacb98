import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleServerEntry } from '../../../scripts/server-tier.mjs';

export { type ServerInstance, startInstance } from '../../../scripts/server-tier.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '../..');

/** `@statesync/<name>` from its sources, as the unit suites see it; npm packages stay outside. */
const fromSources: Plugin = {
  name: 'statesync-sources',
  setup(plugin) {
    plugin.onResolve({ filter: /^@statesync\/[a-z-]+(\/server)?$/ }, ({ path }) => {
      const [, name, entry] = /^@statesync\/([a-z-]+)(?:\/(server))?$/.exec(path)!;
      return { path: join(packages, name!, 'src', `${entry ?? 'index'}.ts`) };
    });
  },
};

/** `instance-main.ts` bundled from the sources, for a process of its own. */
export const bundleInstance = () =>
  bundleServerEntry(join(here, 'instance-main.ts'), { plugins: [fromSources] });
