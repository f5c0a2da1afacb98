import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      {
        // Unit suites run against the sources, so no build is needed to test a change.
        resolve: {
          alias: [
            {
              find: /^@statesync\/([a-z-]+)\/(base|testing|devtools|server)$/,
              replacement: fromRoot('./packages/$1/src/$2.ts'),
            },
            // Every other package by its name: @statesync/<name> → packages/<name>/src.
            {
              find: /^@statesync\/([a-z-]+)$/,
              replacement: fromRoot('./packages/$1/src/index.ts'),
            },
          ],
        },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'docs/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser suites import the built packages (as users do) and launch Chromium
        // themselves. One file at a time, after the unit suites: the CI machine has two cores.
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
