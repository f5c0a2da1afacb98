// Markdown to HTML for the site: GitHub-style heading ids with anchor links, highlighted code
// blocks, and every link handed to the site's resolver, which rewrites it and reports it when
// broken.
import { Marked } from 'marked';
import { escapeHtml, highlight } from './highlight.mjs';

/** The text of inline tokens, without markup: what a heading's id is made from. */
export function plainText(tokens) {
  return tokens
    .map((token) => (token.tokens ? plainText(token.tokens) : (token.text ?? '')))
    .join('');
}

/** Heading ids as GitHub makes them, numbered on repeats: `errors`, `errors-1`, ... */
export function createSlugger() {
  const seen = new Map();
  return (text) => {
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  };
}

/** Every heading of a token list, in document order (also inside lists and quotes). */
function* headingsOf(tokens) {
  for (const token of tokens) {
    if (token.type === 'heading') yield token;
    else if (token.type === 'list') for (const item of token.items) yield* headingsOf(item.tokens);
    else if (token.type === 'blockquote') yield* headingsOf(token.tokens);
  }
}

/**
 * `resolveLink(href, page)` returns `{ href }` to use, or `{ error }`; errors are collected
 * per render, so one build reports every broken link at once.
 */
export function createMarkdown({ resolveLink }) {
  let page;
  let slug = createSlugger();
  let errors = [];
  let headings = [];

  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }) {
        const text = plainText(tokens);
        const id = slug(text);
        headings.push({ depth, text, id });
        const inner = this.parser.parseInline(tokens);
        return `<h${depth} id="${escapeHtml(id)}"><a class="anchor" href="#${escapeHtml(id)}" aria-hidden="true">#</a>${inner}</h${depth}>\n`;
      },
      code({ text, lang }) {
        const language = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
        const label = language ? ` data-lang="${escapeHtml(language)}"` : '';
        return `<pre class="code"${label}><code>${highlight(text, language)}</code></pre>\n`;
      },
      link({ href, title, tokens }) {
        const resolved = resolveLink(href, page);
        if (resolved.error) errors.push(resolved.error);
        const target = resolved.href ?? href;
        const external = /^[a-z][a-z\d+.-]*:/i.test(target);
        const attributes = [
          `href="${escapeHtml(target)}"`,
          ...(title ? [`title="${escapeHtml(title)}"`] : []),
          ...(external ? ['rel="noopener"'] : []),
        ];
        return `<a ${attributes.join(' ')}>${this.parser.parseInline(tokens)}</a>`;
      },
      // A picture is a file of the repository: checked and linked like one.
      image({ href, title, text }) {
        const resolved = resolveLink(href, page);
        if (resolved.error) errors.push(resolved.error);
        const titled = title ? ` title="${escapeHtml(title)}"` : '';
        return `<img src="${escapeHtml(resolved.href ?? href)}" alt="${escapeHtml(text)}"${titled}>`;
      },
    },
  });

  return {
    /** The title (first level-1 heading) and heading ids of a text, computed as `render` will. */
    outline(source) {
      const next = createSlugger();
      const ids = new Set();
      let title;
      for (const heading of headingsOf(marked.lexer(source))) {
        const text = plainText(heading.tokens);
        if (heading.depth === 1) title ??= text;
        ids.add(next(text));
      }
      return { title, ids };
    },
    /** HTML, headings and link problems of a Markdown text; `context` goes to `resolveLink`. */
    render(source, context) {
      page = context;
      slug = createSlugger();
      errors = [];
      headings = [];
      const html = marked.parse(source, { async: false });
      return { html, headings, errors };
    },
  };
}
