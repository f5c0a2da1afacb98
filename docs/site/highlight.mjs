// A small syntax highlighter for the code blocks of the site: comments, strings, numbers and
// keywords, enough to make samples easier to read. No grammar, no external assets.

const C_LIKE_KEYWORDS = [
  'as async await break case catch class const continue declare default delete do else enum',
  'export extends false finally for from function get if implements import in instanceof',
  'interface keyof let new null of private protected public readonly return satisfies set',
  'static super switch this throw true try type typeof undefined var void while yield',
].join(' ');

const RUST_KEYWORDS = [
  'as async await break const continue crate else enum false fn for if impl in let loop match',
  'mod move mut pub ref return self Self static struct super trait true type unsafe use where',
  'while',
].join(' ');

const words = (list) => new Set(list.split(' '));

const LANGUAGES = {
  ts: { keywords: words(C_LIKE_KEYWORDS), comments: ['//', '/*'], templates: true },
  json: { keywords: words('true false null'), comments: [], templates: false },
  rust: { keywords: words(RUST_KEYWORDS), comments: ['//', '/*'], templates: false },
  sh: { keywords: words('npm npx node cd export'), comments: ['#'], templates: false },
};

const ALIASES = {
  typescript: 'ts',
  tsx: 'ts',
  js: 'ts',
  javascript: 'ts',
  jsx: 'ts',
  mjs: 'ts',
  jsonc: 'json',
  rs: 'rust',
  bash: 'sh',
  shell: 'sh',
  console: 'sh',
};

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function tokenPattern(language) {
  const parts = [];
  if (language.comments.includes('//')) parts.push('(?<comment>//[^\\n]*|/\\*[\\s\\S]*?\\*/)');
  if (language.comments.includes('#')) parts.push('(?<comment>(?:^|(?<=\\s))#[^\\n]*)');
  const strings = [`'(?:\\\\.|[^'\\\\\\n])*'`, `"(?:\\\\.|[^"\\\\\\n])*"`];
  if (language.templates) strings.push('`(?:\\\\.|[^`\\\\])*`');
  parts.push(`(?<string>${strings.join('|')})`);
  parts.push('(?<number>\\b\\d[\\d_]*(?:\\.\\d+)?(?:e[+-]?\\d+)?n?\\b)');
  parts.push('(?<word>[A-Za-z_$][\\w$]*)');
  return new RegExp(parts.join('|'), 'gm');
}

const patterns = new Map();

/** The HTML of `code` with spans for the token kinds; plain escaped text for unknown languages. */
export function highlight(code, lang) {
  const name = ALIASES[lang] ?? lang;
  const language = LANGUAGES[name];
  if (language === undefined) return escapeHtml(code);
  let pattern = patterns.get(name);
  if (pattern === undefined) {
    pattern = tokenPattern(language);
    patterns.set(name, pattern);
  }
  let html = '';
  let last = 0;
  for (const match of code.matchAll(pattern)) {
    const { comment, string, number, word } = match.groups ?? {};
    let kind;
    if (comment !== undefined) kind = 'comment';
    else if (string !== undefined) kind = 'string';
    else if (number !== undefined) kind = 'number';
    else if (word !== undefined && language.keywords.has(word)) kind = 'keyword';
    if (kind === undefined) continue;
    html += escapeHtml(code.slice(last, match.index));
    html += `<span class="tok-${kind}">${escapeHtml(match[0])}</span>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(code.slice(last));
}
