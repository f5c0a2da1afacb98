/** Which kind of window this page is, as the status strip names it. */
export type WindowKind = 'main' | 'panel' | 'embedded';

export function windowKind(page: 'main' | 'panel'): WindowKind {
  if (page === 'main') return 'main';
  return window.self === window.top ? 'panel' : 'embedded';
}

const NAMES: Record<WindowKind, string> = {
  main: 'Window',
  panel: 'Panel',
  embedded: 'Frame',
};

/** A short name for this window, e.g. "Panel · 3f2a", stored with the to-dos it adds. */
export function windowLabel(kind: WindowKind, clientId: string): string {
  return `${NAMES[kind]} · ${clientId.replace(/[^a-z0-9]/gi, '').slice(0, 4)}`;
}
