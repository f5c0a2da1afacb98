// The SharedWorker owns the list: it keeps the data and its revision, announces every change on
// the channel and answers the tabs' snapshot requests.
import { createAuthority, createBroadcastChannelTransport, serveAuthority } from '@statesync/core';
import { CHANNEL, isAddRequest, type List, TOPIC } from './list.js';

const authority = createAuthority<List>({ topic: TOPIC, data: { items: [] } });
const transport = createBroadcastChannelTransport(CHANNEL);
serveAuthority(authority, transport);
transport.subscribe((message) => {
  if (!isAddRequest(message)) return;
  const text = message.text.trim();
  if (text === '') return;
  authority.update((list) => ({ items: [...list.items, text] }), { sourceId: message.from });
});
// Tabs that were open before this worker started hear of it and pull.
authority.publish();
