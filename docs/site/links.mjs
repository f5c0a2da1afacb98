// Resolves the links of the site's Markdown: to another page (with its anchor checked), to a
// heading of the same page, or to a file of the repository that is no page. Anything else is a
// broken link, reported with the page and the link.
import { existsSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { hrefBetween } from './layout.mjs';

const EXTERNAL = /^[a-z][a-z\d+.-]*:|^\/\//i;

/**
 * `pages` are `{ source, path, ids }`: the Markdown file relative to `root` (real or, for
 * generated pages, where it would be), the page relative to `outDir`, and its heading ids.
 * Returns `resolve(href, page)`, giving `{ href }` or `{ error }`.
 */
export function createLinkResolver({ root, outDir, pages }) {
  const bySource = new Map(pages.map((page) => [page.source, page]));
  return (href, page) => {
    if (EXTERNAL.test(href)) return { href };
    const hashAt = href.indexOf('#');
    const path = hashAt === -1 ? href : href.slice(0, hashAt);
    const hash = hashAt === -1 ? '' : decodeURIComponent(href.slice(hashAt + 1));
    const where = `${page.source}: link ${href}`;
    if (path === '') {
      return page.ids.has(hash) ? { href } : { error: `${where}: no such heading on the page` };
    }
    if (path.startsWith('/')) return { error: `${where}: absolute; use a relative link` };
    const target = posix.normalize(posix.join(posix.dirname(page.source), decodeURI(path)));
    if (target.startsWith('..')) return { error: `${where}: leads out of the repository` };
    const linked = bySource.get(target) ?? bySource.get(posix.join(target, 'README.md'));
    if (linked) {
      if (hash && !linked.ids.has(hash)) {
        return { error: `${where}: ${linked.source} has no heading #${hash}` };
      }
      const anchor = hash ? `#${encodeURIComponent(hash)}` : '';
      return { href: hrefBetween(page.path, linked.path) + anchor };
    }
    // A file of the repository that is no page (a source file, an example's folder): linked
    // where it is, which works when the site is opened from a checkout of the repository.
    if (existsSync(join(root, target))) {
      const from = dirname(join(outDir, page.path));
      const trailing = path.endsWith('/') ? '/' : '';
      return { href: relative(from, join(root, target)).split('\\').join('/') + trailing };
    }
    return { error: `${where}: ${target} does not exist` };
  };
}
