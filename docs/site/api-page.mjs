// One package's API reference as Markdown, rendered like every other page (so its headings get
// ids and its links are checked). Source links point into the repository.
import { KINDS } from './api.mjs';

/** `<` outside code spans would start an HTML tag; JSDoc prose means it literally. */
function escapeProse(text) {
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replaceAll('<', '&lt;')))
    .join('');
}

/** `{@link name}` becomes a link to that entry when this page has it, code otherwise. */
function resolveJsDocLinks(text, names) {
  return text.replace(
    /\{@link(?:code|plain)?\s+([^\s}|]+)(?:[\s|]+([^}]*))?\}/g,
    (_, name, label) => {
      const shown = `\`${label?.trim() || name}\``;
      return names.has(name) ? `[${shown}](#${name.toLowerCase()})` : shown;
    },
  );
}

const PLURALS = {
  function: 'functions',
  const: 'constants',
  class: 'classes',
  interface: 'interfaces',
  type: 'types',
  enum: 'enums',
  other: 'other',
};

function tagLine({ name, text }, names) {
  const value = resolveJsDocLinks(escapeProse(text), names);
  if (name === 'default') return `- Default: ${value.includes('`') ? value : `\`${value}\``}`;
  return `- \`@${name}\`${value ? ` ${value}` : ''}`;
}

function entrySection(entry, sourceFrom, names) {
  const items = [...entry.items].sort(
    (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.name.localeCompare(b.name, 'en'),
  );
  const lines = [`## \`${entry.module}\``, ''];
  lines.push(`${items.length} exports, from \`packages/${entry.pkg}/src\`:`, '');
  for (const kind of [...KINDS, 'other']) {
    const names = items.filter((item) => item.kind === kind).map((item) => item.name);
    if (names.length === 0) continue;
    const links = names.map((name) => `[\`${name}\`](#${name.toLowerCase()})`);
    lines.push(`- ${PLURALS[kind]}: ${links.join(', ')}`);
  }
  lines.push('');
  for (const item of items) {
    lines.push(`### ${item.name}`, '');
    const where = item.source
      ? ` · defined in [${item.source.path}:${item.source.line}](${sourceFrom}${item.source.path})`
      : '';
    lines.push(`_${item.kind}_${where}`, '');
    if (item.signature) lines.push('```ts', item.signature, '```', '');
    if (item.doc.text) lines.push(resolveJsDocLinks(escapeProse(item.doc.text), names), '');
    const tags = item.doc.tags.map((tag) => tagLine(tag, names));
    if (tags.length > 0) lines.push(...tags, '');
  }
  return lines.join('\n');
}

/**
 * The page for `pkg` from the entries `extractApi` returned. `sourceFrom` leads from the page's
 * (virtual) Markdown location to the repository root, for the links to the sources.
 */
export function apiMarkdown(pkg, entries, sourceFrom) {
  const own = entries.filter((entry) => entry.pkg === pkg);
  const names = new Set(own.flatMap((entry) => entry.items.map((item) => item.name)));
  const intro = [
    `# @statesync/${pkg} API`,
    '',
    `Every name exported by ${own.map((entry) => `\`${entry.module}\``).join(' and ')}, read from`,
    'the TypeScript sources by `npm run docs`: its kind, its declaration and its documentation',
    `comment. The package's guide, with examples, is [its README](${sourceFrom}packages/${pkg}/README.md).`,
    '',
  ];
  return [...intro, ...own.map((entry) => entrySection(entry, sourceFrom, names))].join('\n');
}
