import { createRenderer } from 'vue';

/** A node of the in-memory host tree: enough for Vue to mount and patch components in Node. */
export interface HostNode {
  type: string;
  text: string;
  props: Record<string, unknown>;
  children: HostNode[];
  parent: HostNode | null;
}

const node = (type: string, text = ''): HostNode => ({
  type,
  text,
  props: {},
  children: [],
  parent: null,
});

/** Vue's own renderer over plain objects, so real components render without a DOM. */
export const { createApp: createHostApp } = createRenderer<HostNode, HostNode>({
  createElement: (type) => node(type),
  createText: (text) => node('#text', text),
  createComment: (text) => node('#comment', text),
  setText: (target, text) => {
    target.text = text;
  },
  setElementText: (target, text) => {
    for (const child of target.children) child.parent = null;
    target.children = text === '' ? [] : [node('#text', text)];
  },
  patchProp: (target, key, _previous, next) => {
    target.props[key] = next;
  },
  insert: (child, parent, anchor) => {
    if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
    const index = anchor ? parent.children.indexOf(anchor) : -1;
    if (index < 0) parent.children.push(child);
    else parent.children.splice(index, 0, child);
    child.parent = parent;
  },
  remove: (child) => {
    if (!child.parent) return;
    child.parent.children.splice(child.parent.children.indexOf(child), 1);
    child.parent = null;
  },
  parentNode: (child) => child.parent,
  nextSibling: (child) => {
    if (!child.parent) return null;
    return child.parent.children[child.parent.children.indexOf(child) + 1] ?? null;
  },
});

/** A fresh root to mount an app into. */
export const createRoot = (): HostNode => node('root');

/** The text content of a host subtree. */
export function textOf(target: HostNode): string {
  return target.type === '#text' ? target.text : target.children.map(textOf).join('');
}
