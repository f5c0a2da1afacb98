import { describe, expect, it } from 'vitest';
import { createTransportEnd, isStateSyncError, type TransportMedium } from '../src/index.js';
import { errorLogger } from './fixtures.js';

/** An end over a medium that records what the end asks of it. */
function recordingEnd(extra: Partial<TransportMedium> = {}) {
  const posted: unknown[] = [];
  const calls: string[] = [];
  const end = createTransportEnd({
    name: 'test link',
    post: (message) => {
      posted.push(structuredClone(message));
    },
    listen() {
      calls.push('listen');
      return () => calls.push('unlisten');
    },
    release: (why) => calls.push(`release ${why}`),
    ...extra,
  });
  return { end, posted, calls };
}

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('createTransportEnd', () => {
  it('listens on the first listener and stops after the last, however many come and go', () => {
    const { end, calls } = recordingEnd();
    const off1 = end.transport.subscribe(() => {});
    const off2 = end.transport.subscribe(() => {});
    off1();
    off1();
    expect(calls).toEqual(['listen']);
    off2();
    end.transport.subscribe(() => {});
    expect(calls).toEqual(['listen', 'unlisten', 'listen']);
  });

  it('logs a throwing listener and still delivers to the others', () => {
    const { logger, errors } = errorLogger();
    const { end } = recordingEnd({ logger });
    const bug = new Error('listener bug');
    const heard: unknown[] = [];
    end.transport.subscribe(() => {
      throw bug;
    });
    end.transport.subscribe((message) => heard.push(message));
    end.deliver('m');
    expect(heard).toEqual(['m']);
    expect(errors).toEqual([{ message: 'transport listener threw', error: bug }]);
  });

  it('says stopped, in one wording, for send and subscribe after close; close is idempotent', () => {
    const { end, calls } = recordingEnd();
    end.transport.subscribe(() => {});
    end.transport.close();
    end.transport.close();
    expect(calls).toEqual(['listen', 'unlisten', 'release closed']);
    const onSend = thrown(() => end.transport.send('x'));
    const onSubscribe = thrown(() => end.transport.subscribe(() => {}));
    expect(isStateSyncError(onSend, 'stopped')).toBe(true);
    expect((onSend as Error).message).toBe('send on a closed test link');
    expect((onSubscribe as Error).message).toBe('subscribe on a closed test link');
    expect(end.state()).toBe('closed');
  });

  it('turns a DataCloneError into not_cloneable naming the path, and passes other errors on', () => {
    const { end } = recordingEnd();
    const clone = thrown(() => end.transport.send({ data: { onChange: () => 1 } }));
    expect(isStateSyncError(clone, 'not_cloneable')).toBe(true);
    expect((clone as Error).message).toMatch(
      /^message\.data\.onChange cannot be structured-cloned/,
    );
    const broken = new TypeError('the medium broke');
    const other = createTransportEnd({
      name: 'broken link',
      post: () => {
        throw broken;
      },
    });
    expect(thrown(() => other.transport.send(1))).toBe(broken);
  });

  it('delivers the farewell exactly once when the peer goes, then drops sends', () => {
    const bye = { type: 'bye' };
    const { end, posted, calls } = recordingEnd({ farewell: bye });
    const heard: unknown[] = [];
    end.transport.subscribe((message) => heard.push(message));
    expect(end.gone()).toBe(true);
    expect(end.gone()).toBe(false);
    end.deliver('after');
    end.transport.send('into the void');
    expect(heard).toEqual([bye]);
    expect(posted).toEqual([]);
    expect(calls).toEqual(['listen', 'unlisten', 'release gone']);
    // Closing after the peer went releases nothing twice.
    end.transport.close();
    expect(calls).toEqual(['listen', 'unlisten', 'release gone']);
    expect(end.state()).toBe('closed');
  });

  it('stays closed when a listener closes the end on hearing the farewell', () => {
    const { end } = recordingEnd({ farewell: 'bye' });
    end.transport.subscribe(() => end.transport.close());
    end.gone();
    expect(end.state()).toBe('closed');
    expect(
      isStateSyncError(
        thrown(() => end.transport.send('x')),
        'stopped',
      ),
    ).toBe(true);
  });

  it('hears nothing more in a listener unsubscribed by an earlier listener of the same message', () => {
    const { end } = recordingEnd();
    const heard: string[] = [];
    let offSecond = () => {};
    end.transport.subscribe(() => {
      heard.push('first');
      offSecond();
    });
    offSecond = end.transport.subscribe(() => heard.push('second'));
    end.deliver('m');
    expect(heard).toEqual(['first']);
  });
});
