import type { Unsubscribe } from './types.js';

/**
 * Calls `onResume` whenever a page may have missed messages: it was restored from the
 * back/forward cache (`pageshow` with `persisted`), became visible again, was resumed after
 * being frozen (`resume`), or came back online. Outside a browser page it does nothing.
 */
export function watchPageLifecycle(onResume: () => void): Unsubscribe {
  const target = globalThis as Partial<Window & typeof globalThis>;
  const doc = target.document;
  if (typeof target.addEventListener !== 'function' || !doc) return () => {};
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) onResume();
  };
  const onVisibility = () => {
    if (doc.visibilityState === 'visible') onResume();
  };
  target.addEventListener('pageshow', onPageShow);
  target.addEventListener('online', onResume);
  doc.addEventListener('visibilitychange', onVisibility);
  doc.addEventListener('resume', onResume);
  return () => {
    target.removeEventListener?.('pageshow', onPageShow);
    target.removeEventListener?.('online', onResume);
    doc.removeEventListener('visibilitychange', onVisibility);
    doc.removeEventListener('resume', onResume);
  };
}
