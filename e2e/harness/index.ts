export { type BrowserSuite, useBrowserSuite } from './browser-suite.js';
export {
  type ConsoleErrorOptions,
  type ConsoleErrors,
  collectConsoleErrors,
} from './console-errors.js';
export { CHROMIUM_PATH, launchBrowser } from './launch-browser.mjs';
export { openTabs } from './open-tabs.js';
export {
  bundleFixture,
  type FixtureOptions,
  fixturePage,
  fixtureRoutes,
  serveFixture,
} from './serve-fixture.js';
export {
  type RouteHandler,
  type ServeStaticOptions,
  type StaticServer,
  serveStatic,
} from './serve-static.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
export { type ConvergenceOptions, waitForConvergence } from './wait-for-convergence.js';
