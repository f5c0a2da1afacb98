import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

const entries = ['src/index.ts', 'src/testing.ts', 'src/devtools.ts'];
const build = packageBuild(entries);

// The ESM build keeps one file per module: bundlers split and shake a page's chunks at module
// boundaries, so core code that only a lazily loaded chunk uses stays in that chunk.
export default defineConfig([
  { ...build, format: ['cjs'] },
  {
    ...build,
    format: ['esm'],
    entry: ['src/**/*.ts'],
    bundle: false,
    // `base` is for ESM bundlers; in CommonJS, `@statesync/core/base` is the whole core.
    dts: { entry: [...entries, 'src/base.ts'] },
    clean: false,
  },
]);
