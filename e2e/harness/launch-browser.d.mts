import type { Browser, LaunchOptions } from 'playwright-core';

/** Debian's Chromium; `npm test` installs it. The tests never download a browser. */
export declare const CHROMIUM_PATH: '/usr/bin/chromium';

/** Launches headless Chromium from {@link CHROMIUM_PATH} with quiet flags. Close it when done. */
export declare function launchBrowser(options?: LaunchOptions): Promise<Browser>;
