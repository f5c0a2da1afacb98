import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

const entries = ['src/index.ts', 'src/testing.ts', 'src/devtools.ts', 'src/server.ts'];
const build = packageBuild(entries);

// As in the core, the ESM build keeps one file per module, so that a page's bundler splits at
// the package's own module boundaries: a client page's first chunk holds the modules it
// reaches statically, and each mode's code, the link's engine and the authority stay behind
// their import(). (Bundled into chunks here, they would be shared chunks of the entry.)
export default defineConfig([
  { ...build, format: ['cjs'] },
  {
    ...build,
    format: ['esm'],
    entry: ['src/**/*.ts'],
    bundle: false,
    dts: { entry: entries },
    clean: false,
  },
]);
