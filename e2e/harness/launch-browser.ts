import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium; `npm test` installs it. The tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium from {@link CHROMIUM_PATH}. Close it in `afterAll`. */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    headless: true,
    timeout: 30_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...QUIET_FLAGS, ...(options.args ?? [])],
  });
}
