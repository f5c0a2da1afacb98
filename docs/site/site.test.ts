// The documentation site: `scripts/docs.mjs` builds it twice into temp directories, and this
// checks the result the way a reader would meet it: every relative link leads to a file, every
// anchor to a heading, every runtime export of core has its entry in the API reference, the
// comparison page shows the committed figures, and two builds are byte for byte the same.
// The pieces that decide what is broken (links, figures) are also tested on their own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@statesync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkComparison, figuresMarkdown } from './figures.mjs';
import { highlight } from './highlight.mjs';
import { createLinkResolver } from './links.mjs';
import { createMarkdown } from './markdown.mjs';
import { sitePlan } from './pages.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TIMEOUT_MS = 120_000;

interface Build {
  dir: string;
  status: number | null;
  output: string;
}

function build(dir: string): Build {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'docs.mjs'), '--out', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  return { dir, status: result.status, output: `${result.stdout}${result.stderr}` };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

const decode = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

const attributes = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((match) =>
    decode(match[1] ?? ''),
  );

let parent: string;
let first: Build;
let second: Build;

beforeAll(() => {
  // Siblings, so that links from the site into the repository read the same in both.
  parent = mkdtempSync(join(tmpdir(), 'statesync-docs-'));
  first = build(join(parent, 'a'));
  second = build(join(parent, 'b'));
}, 2 * TIMEOUT_MS);

afterAll(() => {
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
});

describe('npm run docs', () => {
  it('builds without problems and says where the site is', () => {
    expect(first.status, first.output).toBe(0);
    expect(first.output).toMatch(/docs: \d+ pages in \d+ ms; open .*index\.html/);
  });

  it('writes every page of the plan, and the same bytes on every build', () => {
    const plan = sitePlan(ROOT);
    const pages = [...plan.markdown, ...plan.api].map((page) => page.path);
    for (const page of pages) expect(existsSync(join(first.dir, page)), page).toBe(true);
    const files = filesUnder(first.dir).map((file) => relative(first.dir, file));
    expect(files).toEqual(filesUnder(second.dir).map((file) => relative(second.dir, file)));
    const differing = files.filter(
      (file) => !readFileSync(join(second.dir, file)).equals(readFileSync(join(first.dir, file))),
    );
    expect(differing).toEqual([]);
  });

  it('leads every relative link to a file and every anchor to a heading', () => {
    const pages = filesUnder(first.dir).filter((file) => file.endsWith('.html'));
    const ids = new Map(
      pages.map((page) => [page, new Set(attributes(readFileSync(page, 'utf8'), 'id'))]),
    );
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const href of attributes(readFileSync(page, 'utf8'), 'href')) {
        if (/^[a-z][a-z\d+.-]*:/i.test(href)) continue;
        checked++;
        const [path = '', hash] = href.split('#');
        const target = path === '' ? page : resolve(dirname(page), decodeURI(path));
        if (!existsSync(target)) broken.push(`${relative(first.dir, page)}: ${href}`);
        else if (hash && !ids.get(target)?.has(decodeURIComponent(hash))) {
          broken.push(`${relative(first.dir, page)}: ${href} (no such id)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(broken).toEqual([]);
  });

  it('documents every runtime export of @statesync/core in its API page', () => {
    const html = readFileSync(join(first.dir, 'api', 'core.html'), 'utf8');
    const ids = new Set(attributes(html, 'id'));
    const names = Object.keys(core);
    expect(names).toContain('createRevisionSync');
    for (const name of names) expect(ids, name).toContain(name.toLowerCase());
    expect(html).toContain('RevisionSyncHandle');
  });

  it('shows the committed benchmark figures on the comparison page', () => {
    const figures = JSON.parse(readFileSync(join(ROOT, 'docs', 'bench-figures.json'), 'utf8'));
    const html = readFileSync(join(first.dir, 'comparison.html'), 'utf8');
    expect(html).toContain(figures.machine);
    const verdicts = (figures.results as { goal?: unknown; name: string }[]).filter((r) => r.goal);
    for (const { name } of verdicts) expect(html).toContain(name);
  });
});

describe('link resolution', () => {
  const pages = [
    { source: 'docs/guide/a.md', path: 'guide/a.html', ids: new Set(['intro']) },
    { source: 'packages/core/README.md', path: 'packages/core.html', ids: new Set(['errors']) },
  ];
  const resolveLink = createLinkResolver({ root: ROOT, outDir: join(ROOT, 'docs', 'dist'), pages });
  const [page] = pages;
  if (page === undefined) throw new Error('no page');

  it('rewrites links to pages and keeps checked anchors', () => {
    expect(resolveLink('../../packages/core/README.md#errors', page)).toEqual({
      href: '../packages/core.html#errors',
    });
    expect(resolveLink('../../packages/core/', page)).toEqual({ href: '../packages/core.html' });
    expect(resolveLink('#intro', page)).toEqual({ href: '#intro' });
    expect(resolveLink('https://example.com/x', page)).toEqual({ href: 'https://example.com/x' });
  });

  it('links files that are no page where they are in the repository', () => {
    expect(resolveLink('../../bench/package.json', page)).toEqual({
      href: '../../../bench/package.json',
    });
  });

  it('reports broken links, missing anchors, absolute paths and ways out of the repository', () => {
    const errors = [
      '../../packages/core/README.md#no-such-heading',
      '#nowhere',
      '../no-such-file.md',
      '/docs/guide/a.md',
      '../../../outside.md',
    ].map((href) => resolveLink(href, page).error);
    expect(errors.every((error) => typeof error === 'string')).toBe(true);
    expect(errors[0]).toContain('has no heading #no-such-heading');
  });

  it('collects the problems of a whole page when rendering', () => {
    const markdown = createMarkdown({ resolveLink });
    const { errors, headings } = markdown.render(
      '# A\n\n## Intro\n\n[x](#intro) [y](missing.md)',
      page,
    );
    expect(headings.map((heading) => heading.id)).toEqual(['a', 'intro']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing.md');
  });
});

describe('comparison figures', () => {
  const figures = JSON.parse(readFileSync(join(ROOT, 'docs', 'bench-figures.json'), 'utf8'));
  const page = readFileSync(join(ROOT, 'docs', 'comparison.md'), 'utf8');

  it('accepts the committed page and refuses one whose figures were edited', () => {
    expect(checkComparison(page, figures)).toBeUndefined();
    const firstCell = /\d+(?:\.\d+)? µs \(/.exec(figuresMarkdown(figures))?.[0];
    expect(firstCell).toBeDefined();
    const edited = page.replace(firstCell ?? '', `9${firstCell}`);
    expect(edited).not.toBe(page);
    expect(checkComparison(edited, figures)).toMatch(/differ/);
  });
});

describe('highlighting', () => {
  it('escapes markup and marks keywords, strings and comments', () => {
    const html = highlight("const tag = '<b>'; // </code>", 'ts');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('</code>');
    expect(html).toContain('<span class="tok-keyword">const</span>');
    expect(html).toContain(`<span class="tok-string">'&lt;b&gt;'</span>`);
    expect(html).toContain('<span class="tok-comment">// &lt;/code&gt;</span>');
  });
});
