import type { Logger } from './types.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
type Tags = Record<string, unknown>;

export interface ConsoleLoggerOptions {
  /** Print `debug` lines too. @default false */
  debug?: boolean;
  /** Printed first on every line, e.g. the app's name. @default none */
  prefix?: string;
  /** Where lines go. @default globalThis.console */
  console?: Pick<Console, Level>;
}

const MAX_DEPTH = 4;
const MAX_ITEMS = 20;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A logger printing one string per call to the console method of the same level:
 * `prefix [level] [key=value]... message { extra }`, e.g.
 * `[debug] [windowId=main] snapshot applied { revision: "5" }`.
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const out = options.console ?? globalThis.console;
  const head = options.prefix ? `${options.prefix} ` : '';
  const enabled = (level: Level) => level !== 'debug' || options.debug === true;

  const make = (tags: Tags): Logger => {
    const tagText = Object.entries(tags)
      .map(([key, value]) => ` [${key}=${typeof value === 'string' ? value : formatValue(value)}]`)
      .join('');
    const log = (level: Level) => (message: string, extra?: Record<string, unknown>) => {
      if (!enabled(level)) return;
      out[level](`${head}[${level}]${tagText} ${message}${formatExtra(extra)}`);
    };
    return {
      // Off, it is the shared no-op, so that callers can tell and skip building their extras.
      debug: enabled('debug') ? log('debug') : noop,
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => make({ ...tags, ...more }),
    };
  };
  return make({});
}

/**
 * A logger adding `tags` to every line of `base`: `base.child(tags)` when it has one,
 * otherwise the tags are merged into each call's `extra` (keys of `extra` win).
 */
export function tagLogger(base: Logger, tags: Record<string, unknown>): Logger {
  if (base.child) return base.child(tags);
  const merge = (extra: Record<string, unknown> | undefined) => ({ ...tags, ...extra });
  return {
    debug: base.debug === noop ? noop : (message, extra) => base.debug(message, merge(extra)),
    info: (message, extra) => base.info(message, merge(extra)),
    warn: (message, extra) => base.warn(message, merge(extra)),
    error: (message, extra) => base.error(message, merge(extra)),
    child: (more) => tagLogger(base, { ...tags, ...more }),
  };
}

/** The debug method of a logger whose debug lines are off (`noopLogger`, the console's default). */
export const noop = () => {};

/** Whether `logger` prints debug lines: false for `noopLogger` and loggers made with debug off. */
export const debugsTo = (logger: Logger): boolean => logger.debug !== noop;

/** Drops everything. */
export const noopLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => noopLogger,
};

function formatExtra(extra: Record<string, unknown> | undefined): string {
  if (extra === undefined || Object.keys(extra).length === 0) return '';
  return ` ${formatValue(extra)}`;
}

/**
 * Formats a value compactly, like a JS literal: `{ a: 1, b: "x" }`, `[1, 2]`, `5n`,
 * `Name(code): message` for errors. Nesting deeper than 4 shows as `[Object]`/`[Array]`,
 * cycles as `[Circular]`, and arrays are cut after 20 items.
 */
export function formatValue(value: unknown): string {
  try {
    return format(value, 0, new Set());
  } catch {
    // A throwing getter or proxy must not turn a log call into a crash.
    return '[Unformattable]';
  }
}

function format(value: unknown, depth: number, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[Function ${value.name || '(anonymous)'}]`;
    case 'object':
      break;
    default:
      // boolean, undefined, symbol
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string'
      ? `${value.name}(${code}): ${value.message}`
      : `${value.name}: ${value.message}`;
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const isArray = Array.isArray(value);
  if (ancestors.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return isArray ? '[Array]' : '[Object]';

  ancestors.add(value);
  try {
    const inner = (item: unknown) => format(item, depth + 1, ancestors);
    if (isArray) return `[${truncated(value, value.length, inner)}]`;
    if (value instanceof Map) {
      const entries = truncated(
        value,
        value.size,
        ([key, item]) => `${inner(key)} => ${inner(item)}`,
      );
      return value.size === 0 ? 'Map(0) {}' : `Map(${value.size}) { ${entries} }`;
    }
    if (value instanceof Set) {
      return value.size === 0
        ? 'Set(0) {}'
        : `Set(${value.size}) { ${truncated(value, value.size, inner)} }`;
    }
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record).map((key) => {
      const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
      return `${name}: ${inner(record[key])}`;
    });
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
    const className = proto?.constructor?.name;
    const label =
      proto === null || proto === Object.prototype || typeof className !== 'string'
        ? ''
        : `${className} `;
    return fields.length === 0 ? `${label}{}` : `${label}{ ${fields.join(', ')} }`;
  } finally {
    ancestors.delete(value);
  }
}

function truncated<T>(items: Iterable<T>, size: number, show: (item: T) => string): string {
  const shown: string[] = [];
  for (const item of items) {
    if (shown.length === MAX_ITEMS) break;
    shown.push(show(item));
  }
  if (size > MAX_ITEMS) shown.push(`… ${size - MAX_ITEMS} more`);
  return shown.join(', ');
}
