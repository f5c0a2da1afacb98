// Headless Chromium for the browser benches: the same launch as e2e/harness/launch-browser.ts,
// which is TypeScript and not built, so a .mjs bench cannot import it. Never downloads a browser.
import { chromium } from 'playwright-core';

/** Debian's Chromium; `npm run bench` installs it when missing (scripts/ensure-deps.mjs). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium from {@link CHROMIUM_PATH}; close it when done. */
export function launchBrowser(options = {}) {
  return chromium.launch({
    headless: true,
    timeout: 30_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...QUIET_FLAGS, ...(options.args ?? [])],
  });
}
