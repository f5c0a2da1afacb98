// The one way statesync's browser tests and benches start Chromium. Plain JavaScript (typed by
// launch-browser.d.mts) so that bench/*.mjs can import it without a build. Never downloads a
// browser: `npm test` and `npm run bench` install Debian's chromium when it is missing.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** @type {import('./launch-browser.d.mts').launchBrowser} */
export function launchBrowser(options = {}) {
  return chromium.launch({
    headless: true,
    timeout: 30_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...QUIET_FLAGS, ...(options.args ?? [])],
  });
}
