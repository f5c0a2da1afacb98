// What the worker and the pages agree on: the topic, the channel, the data and the one request
// a page may send.
export const TOPIC = 'list';
export const CHANNEL = 'statesync-list';

export interface List {
  items: string[];
}

export interface AddRequest {
  kind: 'list/add';
  text: string;
  from: string;
}

export const isAddRequest = (message: unknown): message is AddRequest =>
  typeof message === 'object' &&
  message !== null &&
  (message as AddRequest).kind === 'list/add' &&
  typeof (message as AddRequest).text === 'string' &&
  typeof (message as AddRequest).from === 'string';
