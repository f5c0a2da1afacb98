/** The list as the Rust backend serialises it. */
export interface List {
  items: string[];
}

/** What the backend emits to every window after a change: `{ topic, revision, sourceId }`. */
export const LIST_EVENT = 'list:invalidated';
/** The command answering `{ revision, data }`. */
export const GET_LIST = 'get_list';
/** The command a window adds an item with: `{ text, sourceId }`; answers the new snapshot. */
export const ADD_ITEM = 'add_item';
