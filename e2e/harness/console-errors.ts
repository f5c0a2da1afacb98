import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

export interface ConsoleErrorOptions {
  /** Errors to tolerate: a substring or a pattern of the message. @default [] */
  allow?: readonly (string | RegExp)[];
}

export interface ConsoleErrors {
  /** Unexpected errors seen so far, one line each, prefixed with the page's URL. */
  readonly errors: readonly string[];
  /** Throws, listing every unexpected error, if there was any. Call it in `afterEach`. */
  assertNone(): void;
  /** Stops listening. Idempotent. */
  stop(): void;
}

/**
 * Records `console.error` calls, uncaught exceptions and crashes of every page of `context`,
 * including pages opened later (`window.open`, `context.newPage`).
 */
export function collectConsoleErrors(
  context: BrowserContext,
  { allow = [] }: ConsoleErrorOptions = {},
): ConsoleErrors {
  const errors: string[] = [];
  const detachers: (() => void)[] = [];
  const isAllowed = (text: string) =>
    allow.some((rule) => (typeof rule === 'string' ? text.includes(rule) : rule.test(text)));
  const record = (page: Page, kind: string, text: string) => {
    if (!isAllowed(text)) errors.push(`[${kind}] ${page.url()}: ${text}`);
  };

  const watch = (page: Page) => {
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() === 'error') record(page, 'console.error', message.text());
    };
    const onPageError = (error: Error) => record(page, 'pageerror', error.stack ?? error.message);
    const onCrash = () => record(page, 'crash', 'the page crashed');
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    page.on('crash', onCrash);
    detachers.push(() => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      page.off('crash', onCrash);
    });
  };

  context.pages().forEach(watch);
  context.on('page', watch);
  detachers.push(() => context.off('page', watch));

  return {
    errors,
    assertNone() {
      if (errors.length > 0) {
        throw new Error(`Unexpected browser errors (${errors.length}):\n${errors.join('\n')}`);
      }
    },
    stop() {
      for (const detach of detachers.splice(0)) detach();
    },
  };
}
