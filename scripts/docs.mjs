#!/usr/bin/env node
// `npm run docs`: builds the documentation site into docs/dist, offline and deterministically.
// Pages: the guides (docs/**/*.md), every package README, an API reference per package read
// from the TypeScript sources, and the comparison page with the committed benchmark figures.
// Fails (exit 1, every problem listed) on a broken internal link or anchor, a Markdown file in
// docs/ that no page shows, or comparison tables that differ from docs/bench-figures.json.
// The code samples are checked by packages/core/test/readme.test.ts, not here.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractApi } from '../docs/site/api.mjs';
import { apiMarkdown } from '../docs/site/api-page.mjs';
import { checkComparison } from '../docs/site/figures.mjs';
import { layout } from '../docs/site/layout.mjs';
import { createLinkResolver } from '../docs/site/links.mjs';
import { createMarkdown } from '../docs/site/markdown.mjs';
import { docsMarkdownFiles, sitePlan } from '../docs/site/pages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultOut = join(root, 'docs', 'dist');
// `--out <dir>` builds into a new or empty directory elsewhere (the site's own test does).
const outIndex = process.argv.indexOf('--out');
const outArgument = outIndex === -1 ? undefined : process.argv[outIndex + 1];
const outDir = outArgument === undefined ? defaultOut : resolve(outArgument);
const toPosix = (path) => path.split('\\').join('/');

function build() {
  const started = performance.now();
  if (outIndex !== -1 && outArgument === undefined) {
    console.error('docs: --out needs a directory');
    return 1;
  }
  if (outDir !== defaultOut && existsSync(outDir) && readdirSync(outDir).length > 0) {
    console.error(`docs: ${outDir} is not empty; --out takes a new or empty directory`);
    return 1;
  }
  const plan = sitePlan(root);
  const problems = [];

  const planned = new Set(plan.markdown.map((page) => page.source));
  for (const file of docsMarkdownFiles(root)) {
    if (!planned.has(file))
      problems.push(`${file}: no page shows it (list it in docs/site/pages.mjs)`);
  }

  const pages = [];
  for (const page of plan.markdown) {
    const file = join(root, page.source);
    if (!existsSync(file)) {
      problems.push(`${page.source}: missing (docs/site/pages.mjs lists it)`);
      continue;
    }
    pages.push({ ...page, text: readFileSync(file, 'utf8') });
  }
  const api = extractApi(root);
  for (const page of plan.api) {
    // Placed as if it were docs/api/<name>.md, so its links resolve like a guide's.
    const source = `docs/api/${page.pkg}.md`;
    const text = apiMarkdown(page.pkg, api, '../../');
    pages.push({ ...page, source, text, generatedFrom: `packages/${page.pkg}/src` });
  }

  const comparison = pages.find((page) => page.source === 'docs/comparison.md');
  if (comparison) {
    const figures = JSON.parse(readFileSync(join(root, 'docs', 'bench-figures.json'), 'utf8'));
    const problem = checkComparison(comparison.text, figures);
    if (problem) problems.push(`docs/comparison.md: ${problem}`);
  }

  let resolveLink;
  const markdown = createMarkdown({ resolveLink: (href, page) => resolveLink(href, page) });
  for (const page of pages) Object.assign(page, markdown.outline(page.text));
  resolveLink = createLinkResolver({ root, outDir, pages });
  const nav = plan.nav.map(({ section, pages: entries }) => ({
    section,
    pages: entries.map((entry) => ({
      path: entry.path,
      label: entry.label ?? pages.find((page) => page.path === entry.path)?.title ?? entry.path,
    })),
  }));

  rmSync(outDir, { recursive: true, force: true });
  for (const page of pages) {
    const { html, headings, errors } = markdown.render(page.text, page);
    problems.push(...errors);
    if (page.title === undefined) problems.push(`${page.source}: no level-1 heading`);
    const file = join(outDir, page.path);
    mkdirSync(dirname(file), { recursive: true });
    const document = layout({
      title: page.title ?? page.label,
      body: html,
      headings,
      nav,
      path: page.path,
      source: page.generatedFrom ?? page.source,
    });
    writeFileSync(file, document);
  }
  const css = readFileSync(join(root, 'docs', 'site', 'style.css'), 'utf8');
  writeFileSync(join(outDir, 'style.css'), css);

  const ms = Math.round(performance.now() - started);
  const index = toPosix(relative(process.cwd(), join(outDir, 'index.html')));
  if (problems.length > 0) {
    console.error(
      `docs: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    console.error(`docs: site written with problems to ${index}`);
    return 1;
  }
  console.log(`docs: ${pages.length} pages in ${ms} ms; open ${index}`);
  return 0;
}

process.exitCode = build();
