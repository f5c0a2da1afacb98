import { describe, expect, it } from 'vitest';
import { StateSyncError } from '../src/errors.js';
import {
  createConsoleLogger,
  debugsTo,
  formatValue,
  noopLogger,
  tagLogger,
} from '../src/logger.js';
import type { Logger } from '../src/types.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

function recordingConsole() {
  const calls: [Level, ...unknown[]][] = [];
  const method =
    (level: Level) =>
    (...args: unknown[]) => {
      calls.push([level, ...args]);
    };
  return {
    calls,
    console: {
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
    },
  };
}

describe('createConsoleLogger', () => {
  it('prints the documented line format, one string per call', () => {
    const { calls, console } = recordingConsole();
    const logger = tagLogger(createConsoleLogger({ debug: true, console }), { windowId: 'main' });
    logger.debug('subscribed');
    logger.debug('snapshot applied', { revision: '5' });
    expect(calls).toEqual([
      ['debug', '[debug] [windowId=main] subscribed'],
      ['debug', '[debug] [windowId=main] snapshot applied { revision: "5" }'],
    ]);
  });

  it('puts the prefix first', () => {
    const { calls, console } = recordingConsole();
    createConsoleLogger({ debug: true, prefix: 'app', console }).debug('hello', { n: 1 });
    expect(calls).toEqual([['debug', 'app [debug] hello { n: 1 }']]);
  });

  it('sends each level to its console method and hides debug unless enabled', () => {
    const { calls, console } = recordingConsole();
    const logger = createConsoleLogger({ console });
    logger.debug('hidden');
    logger.info('i');
    logger.warn('w');
    logger.error('e', { error: new StateSyncError('timeout', 'too slow') });
    expect(calls).toEqual([
      ['info', '[info] i'],
      ['warn', '[warn] w'],
      ['error', '[error] e { error: StateSyncError(timeout): too slow }'],
    ]);
  });

  it('omits an empty extra', () => {
    const { calls, console } = recordingConsole();
    createConsoleLogger({ console }).info('x', {});
    expect(calls).toEqual([['info', '[info] x']]);
  });

  it('child accumulates tags, later keys overriding in place', () => {
    const { calls, console } = recordingConsole();
    const root = createConsoleLogger({ console });
    const child = root.child!({ topic: 'settings', windowId: 'a' }).child!({
      windowId: 'b',
      attempt: 2,
    });
    child.info('fetch');
    root.info('plain');
    expect(calls).toEqual([
      ['info', '[info] [topic=settings] [windowId=b] [attempt=2] fetch'],
      ['info', '[info] plain'],
    ]);
  });

  it('formats non-string tag values', () => {
    const { calls, console } = recordingConsole();
    createConsoleLogger({ console }).child!({ ok: true, ids: [1, 2], note: 'a b' }).warn('m');
    expect(calls).toEqual([['warn', '[warn] [ok=true] [ids=[1, 2]] [note=a b] m']]);
  });

  it('uses globalThis.console by default without losing its binding', () => {
    const original = globalThis.console;
    const lines: string[] = [];
    const fake = {
      ...original,
      info(this: unknown, line: string) {
        expect(this).toBe(fake);
        lines.push(line);
      },
    };
    globalThis.console = fake as Console;
    try {
      createConsoleLogger().info('hi');
    } finally {
      globalThis.console = original;
    }
    expect(lines).toEqual(['[info] hi']);
  });

  it('never throws on an unformattable extra', () => {
    const { calls, console } = recordingConsole();
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    createConsoleLogger({ console }).info('x', { hostile });
    expect(calls).toEqual([['info', '[info] x [Unformattable]']]);
  });
});

describe('tagLogger', () => {
  it('uses child when the base has one', () => {
    const tags: Record<string, unknown>[] = [];
    const child: Logger = { ...noopLogger };
    const base: Logger = {
      ...noopLogger,
      child(t) {
        tags.push(t);
        return child;
      },
    };
    expect(tagLogger(base, { a: 1 })).toBe(child);
    expect(tags).toEqual([{ a: 1 }]);
  });

  it('otherwise merges tags into extra, extra winning', () => {
    const seen: unknown[][] = [];
    const base: Logger = {
      debug: (...args) => seen.push(['debug', ...args]),
      info: (...args) => seen.push(['info', ...args]),
      warn: (...args) => seen.push(['warn', ...args]),
      error: (...args) => seen.push(['error', ...args]),
    };
    const logger = tagLogger(base, { windowId: 'main', topic: 't' });
    const extra = { topic: 'override', n: 1 };
    logger.debug('d');
    logger.info('i', extra);
    logger.warn('w');
    logger.error('e');
    logger.child!({ more: true }).info('c');
    expect(seen).toEqual([
      ['debug', 'd', { windowId: 'main', topic: 't' }],
      ['info', 'i', { windowId: 'main', topic: 'override', n: 1 }],
      ['warn', 'w', { windowId: 'main', topic: 't' }],
      ['error', 'e', { windowId: 'main', topic: 't' }],
      ['info', 'c', { windowId: 'main', topic: 't', more: true }],
    ]);
    expect(extra).toEqual({ topic: 'override', n: 1 });
  });
});

describe('debugsTo', () => {
  it('is false for loggers whose debug lines are off, tagged or not, so callers skip their extras', () => {
    const quietConsole = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Console;
    expect(debugsTo(noopLogger)).toBe(false);
    expect(debugsTo(createConsoleLogger({ console: quietConsole }))).toBe(false);
    expect(debugsTo(tagLogger(createConsoleLogger({ console: quietConsole }), { app: 'a' }))).toBe(
      false,
    );
    expect(debugsTo(createConsoleLogger({ console: quietConsole, debug: true }))).toBe(true);
    // A logger of the app's own cannot say: its debug lines count as on, tagged too.
    const own: Logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(debugsTo(own)).toBe(true);
    expect(debugsTo(tagLogger(own, { app: 'a' }))).toBe(true);
  });
});

describe('noopLogger', () => {
  it('does nothing and its child is itself', () => {
    expect(noopLogger.info('x', { a: 1 })).toBeUndefined();
    expect(noopLogger.child!({ a: 1 })).toBe(noopLogger);
    expect(tagLogger(noopLogger, { a: 1 })).toBe(noopLogger);
  });
});

describe('formatValue', () => {
  it.each<[unknown, string]>([
    ['x', '"x"'],
    ['say "hi"\n', '"say \\"hi\\"\\n"'],
    [42, '42'],
    [-0, '-0'],
    [Number.NaN, 'NaN'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, '10n'],
    [Symbol('s'), 'Symbol(s)'],
    [function named() {}, '[Function named]'],
    [{}, '{}'],
    [[], '[]'],
    [{ a: 1, b: 'x' }, '{ a: 1, b: "x" }'],
    [{ 'not-id': 1, $ok: 2, _x: 3, '0': 4 }, '{ "0": 4, "not-id": 1, $ok: 2, _x: 3 }'],
    [[1, [2, 'three']], '[1, [2, "three"]]'],
    [{ list: [{ a: null }] }, '{ list: [{ a: null }] }'],
    [new Error('boom'), 'Error: boom'],
    [new TypeError('bad'), 'TypeError: bad'],
    [new StateSyncError('protocol', 'bad revision'), 'StateSyncError(protocol): bad revision'],
    [Object.assign(new Error('x'), { code: 42 }), 'Error: x'],
    [new Date(0), '1970-01-01T00:00:00.000Z'],
    [new Map([['k', 1]]), 'Map(1) { "k" => 1 }'],
    [new Set([1, 2]), 'Set(2) { 1, 2 }'],
    [Object.create(null), '{}'],
  ])('formats %o as %s', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });

  it('names class instances', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(formatValue(new Point(1, 2))).toBe('Point { x: 1, y: 2 }');
  });

  it('limits depth to 4 levels below the top', () => {
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: 1 } }, list: [[1]] } } } };
    expect(formatValue(deep)).toBe(
      '{ l1: { l2: { l3: { l4: { l5: [Object] }, list: [[Array]] } } } }',
    );
  });

  it('shows cycles as [Circular] but repeats shared references', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node.self = node;
    const shared = { s: 1 };
    expect(formatValue(node)).toBe('{ name: "n", self: [Circular] }');
    expect(formatValue([shared, shared])).toBe('[{ s: 1 }, { s: 1 }]');
    const list: unknown[] = [1];
    list.push(list);
    expect(formatValue(list)).toBe('[1, [Circular]]');
  });

  it('truncates long arrays after 20 items', () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    expect(formatValue(items)).toBe(`[${items.slice(0, 20).join(', ')}, … 5 more]`);
    expect(formatValue(items.slice(0, 20))).toBe(`[${items.slice(0, 20).join(', ')}]`);
  });
});
