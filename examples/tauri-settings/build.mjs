// Builds the frontend into dist/ for Tauri (`build.frontendDist`): src/main.ts bundled with
// esbuild, and the page and its styles copied next to it. Tauri runs it before `dev` and `build`.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

await mkdir(dist, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: join(dist, 'main.js'),
  define: {
    'process.env.NODE_ENV': '"production"',
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
});
await copyFile(join(here, 'index.html'), join(dist, 'index.html'));
await copyFile(join(here, 'styles.css'), join(dist, 'styles.css'));
console.log(`frontend built into ${dist}`);
