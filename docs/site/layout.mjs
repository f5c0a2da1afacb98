// The HTML around every page: header, sidebar navigation, an "on this page" list and the footer.
// Every URL is relative, so the site works from the file system and from any static server.
import { escapeHtml } from './highlight.mjs';

/** The relative path from the page at `from` to the page at `to`, both relative to the site root. */
export function hrefBetween(from, to) {
  const fromParts = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (
    common < fromParts.length &&
    common < toParts.length - 1 &&
    fromParts[common] === toParts[common]
  ) {
    common++;
  }
  return [...fromParts.slice(common).map(() => '..'), ...toParts.slice(common)].join('/');
}

function sidebar(nav, path) {
  return nav
    .map(({ section, pages }) => {
      const items = pages
        .map((page) => {
          const current = page.path === path ? ' aria-current="page"' : '';
          const href = escapeHtml(hrefBetween(path, page.path));
          return `<li><a href="${href}"${current}>${escapeHtml(page.label)}</a></li>`;
        })
        .join('');
      return `<h2>${escapeHtml(section)}</h2><ul>${items}</ul>`;
    })
    .join('\n');
}

function onThisPage(headings) {
  const sections = headings.filter((heading) => heading.depth === 2);
  if (sections.length < 3) return '';
  const items = sections
    .map(({ id, text }) => `<li><a href="#${escapeHtml(id)}">${escapeHtml(text)}</a></li>`)
    .join('');
  return `<aside class="toc" aria-label="On this page"><h2>On this page</h2><ul>${items}</ul></aside>`;
}

/** One complete HTML document. `source` names the file the page was made from, for editors. */
export function layout({ title, body, headings, nav, path, source }) {
  const root = hrefBetween(path, 'index.html').replace(/index\.html$/, '');
  const sourceNote = source ? `<p>Made from <code>${escapeHtml(source)}</code>.</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · statesync</title>
<link rel="stylesheet" href="${escapeHtml(root)}style.css">
</head>
<body>
<header class="top"><a class="brand" href="${escapeHtml(root)}index.html">statesync</a><span>one source of truth for every window of an app</span></header>
<div class="page">
<nav class="sidebar" aria-label="Documentation">
${sidebar(nav, path)}
</nav>
<main>
${body}
<footer>${sourceNote}</footer>
</main>
${onThisPage(headings)}
</div>
</body>
</html>
`;
}
