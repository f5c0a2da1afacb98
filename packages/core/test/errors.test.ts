import { describe, expect, it } from 'vitest';
import {
  deserializeError,
  isStateSyncError,
  StateSyncError,
  type StateSyncErrorCode,
  serializeError,
  toStateSyncError,
  type WireError,
} from '../src/index.js';

/** What a second copy of the package (another bundle, another realm) would throw. */
function foreignError(code: StateSyncErrorCode) {
  return Object.assign(new Error('from another copy'), {
    name: 'StateSyncError',
    code,
    [Symbol.for('statesync.error')]: true,
  });
}

describe('StateSyncError', () => {
  it('carries its code, message, name and cause', () => {
    const cause = new TypeError('root');
    const error = new StateSyncError('timeout', 'too slow', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StateSyncError');
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('too slow');
    expect(error.cause).toBe(cause);
    expect(error.remoteName).toBeUndefined();
    expect(String(error)).toBe('StateSyncError: too slow');
    expect(error.stack?.split('\n')[0]).toBe('StateSyncError: too slow');
  });

  it('has no cause property when none is given', () => {
    expect(Object.hasOwn(new StateSyncError('protocol', 'x'), 'cause')).toBe(false);
  });

  it('keeps a falsy cause', () => {
    expect(new StateSyncError('remote', 'x', { cause: 0 }).cause).toBe(0);
  });
});

describe('isStateSyncError', () => {
  it('recognises its errors, with or without a code filter', () => {
    const error = new StateSyncError('stopped', 'bye');
    expect(isStateSyncError(error)).toBe(true);
    expect(isStateSyncError(error, 'stopped')).toBe(true);
    expect(isStateSyncError(error, 'timeout')).toBe(false);
  });

  it('recognises errors of a second copy of the package by their brand', () => {
    const foreign = foreignError('storage');
    expect(foreign).not.toBeInstanceOf(StateSyncError);
    expect(isStateSyncError(foreign)).toBe(true);
    expect(isStateSyncError(foreign, 'storage')).toBe(true);
    expect(isStateSyncError(foreign, 'protocol')).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('x')],
    [
      'a look-alike without the brand',
      Object.assign(new Error('x'), { name: 'StateSyncError', code: 'timeout' }),
    ],
    ['a brand under a local symbol', { [Symbol('statesync.error')]: true, code: 'timeout' }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'StateSyncError'],
  ])('rejects %s', (_label, value) => {
    expect(isStateSyncError(value)).toBe(false);
  });
});

describe('toStateSyncError', () => {
  it('returns a StateSyncError unchanged, whatever code is asked for', () => {
    const error = new StateSyncError('timeout', 'x');
    expect(toStateSyncError(error, 'snapshot_failed', 'ctx')).toBe(error);
  });

  it('wraps anything else with the code, context and the original as cause', () => {
    const cause = new RangeError('boom');
    const error = toStateSyncError(cause, 'apply_failed', 'applying revision 3');
    expect(error).toMatchObject({ code: 'apply_failed', message: 'applying revision 3: boom' });
    expect(error.cause).toBe(cause);
    expect(toStateSyncError('text', 'remote', 'ctx').message).toBe('ctx: text');
  });

  it('does not throw on values that cannot be turned into text', () => {
    const error = toStateSyncError(Object.create(null), 'snapshot_failed', 'ctx');
    expect(error).toMatchObject({ code: 'snapshot_failed', message: 'ctx: [object Object]' });
  });
});

describe('serializeError / deserializeError', () => {
  it('round-trips a StateSyncError, keeping name, code and message', () => {
    const wire = serializeError(new StateSyncError('storage', 'quota exceeded'));
    expect(wire).toEqual({ name: 'StateSyncError', code: 'storage', message: 'quota exceeded' });
    const rebuilt = deserializeError(structuredClone(wire));
    expect(rebuilt).toBeInstanceOf(StateSyncError);
    expect(rebuilt).toMatchObject({
      code: 'storage',
      message: 'quota exceeded',
      remoteName: 'StateSyncError',
    });
    expect(serializeError(rebuilt)).toEqual(wire);
  });

  it('keeps the store and the action a failed call names, and drops them when malformed', () => {
    const error = new StateSyncError('remote', 'no todo 7', {
      remoteName: 'RangeError',
      store: 'todos',
      action: 'toggle',
    });
    const wire = serializeError(error);
    expect(wire).toEqual({
      name: 'RangeError',
      code: 'remote',
      message: 'no todo 7',
      store: 'todos',
      action: 'toggle',
    });
    expect(deserializeError(structuredClone(wire))).toMatchObject({
      store: 'todos',
      action: 'toggle',
    });
    const odd = deserializeError({ ...wire, store: 7 } as unknown as typeof wire);
    expect(odd.store).toBeUndefined();
    expect(odd.action).toBe('toggle');
  });

  it('sends other errors as remote, keeping their name', () => {
    const wire = serializeError(new TypeError('x is not a function'));
    expect(wire).toEqual({ name: 'TypeError', code: 'remote', message: 'x is not a function' });
    const rebuilt = deserializeError(wire);
    expect(rebuilt.name).toBe('StateSyncError');
    expect(rebuilt.remoteName).toBe('TypeError');
    expect(serializeError(rebuilt)).toEqual(wire);
  });

  it('sends thrown non-errors as remote errors with their text', () => {
    expect(serializeError('nope')).toEqual({ name: 'Error', code: 'remote', message: 'nope' });
    expect(serializeError(Object.create(null))).toEqual({
      name: 'Error',
      code: 'remote',
      message: '[object Object]',
    });
  });

  it('keeps the code of a second copy’s error', () => {
    expect(serializeError(foreignError('timeout'))).toMatchObject({ code: 'timeout' });
  });

  it.each([
    ['an unknown code', { name: 'X', code: 'banana', message: 'm' }, 'remote', 'm'],
    ['a missing message', { name: 'X', code: 'timeout' }, 'timeout', 'undefined'],
    ['null', null, 'protocol', 'malformed wire error: null'],
    ['a string', 'oops', 'protocol', 'malformed wire error: oops'],
  ])('rebuilds a wire error with %s without throwing', (_label, wire, code, message) => {
    const rebuilt = deserializeError(wire as unknown as WireError);
    expect(rebuilt).toBeInstanceOf(StateSyncError);
    expect(rebuilt).toMatchObject({ code, message });
  });
});
