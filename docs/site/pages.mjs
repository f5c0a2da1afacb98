// Which Markdown files make the site, where each page goes, and how the sidebar lists them.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The guides, in reading order: docs/guide/<name>.md. */
export const GUIDES = [
  'getting-started',
  'concepts',
  'multi-window',
  'writing-state',
  'transports',
  'persistence',
  'shared-app',
  'across-devices',
  'testing',
  'architecture',
  'debugging',
];

/** Packages in the order the sidebar lists them; any other package follows, by name. */
const PACKAGE_ORDER = [
  'core',
  'shared',
  'server',
  'persistence',
  'react',
  'vue',
  'svelte',
  'pinia',
  'zustand',
  'redux',
  'valtio',
  'jotai',
  'mobx',
  'tauri',
  'electron',
];

/** Pages made from Markdown outside docs/ that are not package READMEs. */
const EXTRA_PAGES = [
  { source: 'docs/comparison.md', path: 'comparison.html', label: 'Comparison' },
  { source: 'bench/README.md', path: 'benchmarks.html', label: 'How the benchmarks run' },
  {
    source: 'examples/two-windows/README.md',
    path: 'examples/two-windows.html',
    label: 'Example: two windows',
  },
];

function packageNames(root) {
  const packages = join(root, 'packages');
  const names = readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packages, entry.name, 'README.md')))
    .map((entry) => entry.name);
  const rank = (name) => {
    const index = PACKAGE_ORDER.indexOf(name);
    return index === -1 ? PACKAGE_ORDER.length : index;
  };
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en'));
}

/** Every Markdown file under docs/, outside the generated site: each must be a page. */
export function docsMarkdownFiles(root) {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'dist' ? [] : walk(path);
      return entry.name.endsWith('.md') ? [relative(root, path).split('\\').join('/')] : [];
    });
  return walk(join(root, 'docs')).sort();
}

/**
 * The site: `markdown` pages `{ source, path, label }` (source relative to the repo root, path
 * relative to the site root), `api` pages `{ pkg, path, label }`, and `nav`, the sidebar.
 */
export function sitePlan(root) {
  const guides = [
    { source: 'docs/README.md', path: 'index.html', label: 'Overview' },
    ...GUIDES.map((name) => ({
      source: `docs/guide/${name}.md`,
      path: `guide/${name}.html`,
      label: undefined, // the page's own title
    })),
  ];
  const packages = packageNames(root).map((name) => ({
    source: `packages/${name}/README.md`,
    path: `packages/${name}.html`,
    label: `@statesync/${name}`,
  }));
  const api = packageNames(root).map((name) => ({
    pkg: name,
    path: `api/${name}.html`,
    label: name,
  }));
  return {
    markdown: [...guides, ...packages, ...EXTRA_PAGES],
    api,
    nav: [
      { section: 'Guide', pages: guides },
      { section: 'Packages', pages: packages },
      { section: 'API reference', pages: api },
      { section: 'More', pages: EXTRA_PAGES },
    ],
  };
}
