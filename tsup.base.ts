import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM + CJS with type declarations for both. tsup leaves the
 * package's dependencies and peer dependencies (`@statesync/core`, the framework) external.
 */
export const packageBuild = (entry: string[] = ['src/index.ts']) =>
  defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    tsconfig: './tsconfig.json',
  });
