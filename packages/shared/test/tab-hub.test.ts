import { PROTOCOL_VERSION, randomId } from '@statesync/core';
import { describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createTabHub, type TabHub } from '../src/links/tab-hub.js';
import { recordingLogger, relayMedium } from './window-stand-in.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const HELLO = { v: PROTOCOL_VERSION, type: 'hello' };
const isHello = (message: unknown) => (message as { type?: unknown } | null)?.type === 'hello';

/** Waits, a task at a time and at most 200 tasks, until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

// Every end is a tab of its own (its own hub, its own real BroadcastChannel) linked to one leader
// tab, which relays among its links. A link opens with the client's hello, which the relay
// keeps to itself.
describeTransportConformance('tab hub links (Node BroadcastChannel)', () => {
  const channel = `tab-conformance-${randomId()}`;
  const leader = createTabHub({ channel, id: 'leader', logger: quiet });
  const tabs: TabHub[] = [];
  const medium = relayMedium(
    leader.serve().accept,
    () => {
      const tab = createTabHub({ channel, id: `tab-${tabs.length}`, logger: quiet });
      tabs.push(tab);
      const link = tab.link('leader');
      link.send(HELLO);
      return link;
    },
    isHello,
  );
  return {
    connect: medium.connect,
    cleanup() {
      medium.cleanup();
      for (const tab of tabs) tab.close();
      leader.close();
    },
  };
});

describe('createTabHub', () => {
  it('keeps handing a signal to the other handlers when one throws, and reports it', async () => {
    const channel = `tab-throw-${randomId()}`;
    const { logger, lines } = recordingLogger();
    const [a, b] = [
      createTabHub({ channel, id: 'a', logger: quiet }),
      createTabHub({ channel, id: 'b', logger }),
    ];
    const bug = new Error('handler bug');
    const heard: unknown[] = [];
    b.on('who', () => {
      throw bug;
    });
    b.on('who', (body, from) => heard.push({ body, from }));
    a.signal('who', 1);
    await until(() => heard.length === 1, 'the second handler');
    expect(heard).toEqual([{ body: 1, from: 'a' }]);
    expect(lines).toEqual([
      { level: 'error', message: 'transport listener threw', extra: { error: bug } },
    ]);
    a.close();
    b.close();
  });

  it('says bye once to the old link of a tab that says hello again, and then drops its sends', async () => {
    const channel = `tab-rehello-${randomId()}`;
    const leader = createTabHub({ channel, id: 'leader', logger: quiet });
    const tab = createTabHub({ channel, id: 'tab', logger: quiet });
    const links: { heard: unknown[]; link: ReturnType<typeof tab.link> }[] = [];
    const stop = leader.serve().accept((link) => {
      const heard: unknown[] = [];
      link.subscribe((message) => heard.push(message));
      links.push({ heard, link });
    });
    const toLeader = tab.link('leader');
    const atTab: unknown[] = [];
    toLeader.subscribe((message) => atTab.push(message));
    toLeader.send(HELLO);
    await until(() => links.length === 1, 'the first link');
    toLeader.send(HELLO);
    await until(() => links.length === 2, 'the second link');
    links[0]!.link.send('from the old link');
    links[1]!.link.send('from the new link');
    await until(() => atTab.length === 1, 'the new link to speak');
    stop();
    expect(links[0]!.heard).toEqual([HELLO, { v: PROTOCOL_VERSION, type: 'bye' }]);
    // The leader stopped serving: the new link hears its bye too, once.
    expect(links[1]!.heard).toEqual([HELLO, { v: PROTOCOL_VERSION, type: 'bye' }]);
    expect(atTab).toEqual(['from the new link']);
    leader.close();
    tab.close();
  });
});
