// Keeps the documentation from drifting away from the code: every ```ts / ```typescript block
// in packages/*/README.md and in docs/**/*.md (the guides of the docs site) is written out as a
// module of its own and all of them are type-checked together, in one TypeScript program, with
// the repo's strict options and `@statesync/<name>` (and `@statesync/<name>/testing`) resolved
// to the package sources.
//
// Blocks are type-checked only, never run. Each block is a separate module: it must import
// what it uses, and may `declare const` whatever it leaves to the reader.
//
// Naming a block: a block whose first line is a comment holding a file name, such as
// `// counter.ts`, is written under that name, so other blocks of the same README can import it
// (`import { counter } from './counter'`), as the files of a small app would.
//
// Opting out: a block whose first line is the comment `// @no-check` (optionally followed by
// a reason, e.g. `// @no-check: a fragment of the block above`) is extracted but not checked.
// Use it only for text that cannot be made to compile; prefer `declare` for missing context.
//
// In docs/, code must be checkable: a fence may be ts, or sh / html / text (or no language),
// which are not code the compiler could check; any other language (js, tsx, ...) is reported.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const PACKAGES = join(ROOT, 'packages');
const DOCS = join(ROOT, 'docs');
/** Fence languages allowed in docs/ besides ts: shell sessions, markup and plain output. */
const UNCHECKED_IN_DOCS = new Set(['', 'sh', 'shell', 'bash', 'html', 'text']);
const NO_CHECK = /^\/\/\s*@no-check\b/;
const FILE_NAME = /^\/\/\s*([\w.-]+\.ts)\s*$/;

interface Block {
  /** 1-based README line of the opening fence. */
  fenceLine: number;
  /** Columns of indentation removed from each content line (fences inside lists). */
  indent: number;
  code: string;
  skip: boolean;
}

interface Readme {
  /** Path relative to the repo root, with `/`: names the file in messages and its temp dir. */
  name: string;
  /** The Markdown file's directory: imports of its blocks resolve from there. */
  dir: string;
  /** Package READMEs must hold ts blocks (none found means the extraction broke). */
  requireBlocks: boolean;
  blocks: Block[];
  /** Problems found while extracting, such as an unclosed fence. */
  problems: string[];
}

/** The ```ts / ```typescript blocks of a Markdown text (CommonMark fences, ``` or ~~~). */
function extractBlocks(
  markdown: string,
  name: string,
  allowedLanguages?: ReadonlySet<string>,
): Pick<Readme, 'blocks' | 'problems'> {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  const problems: string[] = [];
  let open:
    | { fence: string; indent: number; line: number; ts: boolean; body: string[] }
    | undefined;
  for (const [index, line] of lines.entries()) {
    if (open === undefined) {
      const start = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
      if (start) {
        const lang = (start[3] ?? '').toLowerCase();
        const ts = lang === 'ts' || lang === 'typescript';
        if (!ts && allowedLanguages !== undefined && !allowedLanguages.has(lang)) {
          problems.push(
            `${name}:${index + 1}: a \`${lang}\` block is never checked; write it as ts`,
          );
        }
        open = {
          fence: start[2] ?? '',
          indent: (start[1] ?? '').length,
          line: index + 1,
          ts,
          body: [],
        };
      }
      continue;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)?.[1] ?? '';
    if (close[0] === open.fence[0] && close.length >= open.fence.length) {
      if (open.ts) {
        const code = open.body.join('\n') + '\n';
        blocks.push({
          fenceLine: open.line,
          indent: open.indent,
          code,
          skip: NO_CHECK.test(open.body[0]?.trim() ?? ''),
        });
      }
      open = undefined;
      continue;
    }
    // Content lines lose up to the fence's own indentation.
    let strip = 0;
    while (strip < open.indent && line[strip] === ' ') strip++;
    open.body.push(line.slice(strip));
  }
  if (open !== undefined) problems.push(`${name}:${open.line}: code fence is never closed`);
  return { blocks, problems };
}

function readMarkdown(path: string, docs: boolean): Readme {
  const name = relative(ROOT, path).split('\\').join('/');
  const text = readFileSync(path, 'utf8');
  const extracted = extractBlocks(text, name, docs ? UNCHECKED_IN_DOCS : undefined);
  return { name, dir: dirname(path), requireBlocks: !docs, ...extracted };
}

/** docs/**\/*.md, without the generated site and anything installed. */
function docsMarkdown(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'dist' || entry.name === 'node_modules' ? [] : docsMarkdown(path);
    }
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

function findReadmes(): Readme[] {
  const packages = readdirSync(PACKAGES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(PACKAGES, entry.name, 'README.md')))
    .map((entry) => join(PACKAGES, entry.name, 'README.md'));
  return [
    ...packages.sort().map((path) => readMarkdown(path, false)),
    ...docsMarkdown(DOCS)
      .sort()
      .map((path) => readMarkdown(path, true)),
  ];
}

/**
 * `@statesync/<name>` and its `/testing`, `/devtools` and `/shared` entries, where it has them,
 * and the packages named without the scope by their name.
 */
function packagePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const entry of readdirSync(PACKAGES, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const src = join(PACKAGES, entry.name, 'src');
    const index = join(src, 'index.ts');
    const testing = join(src, 'testing.ts');
    if (existsSync(index)) paths[`@statesync/${entry.name}`] = [index];
    // A package of this repository published without the scope (create-statesync).
    if (existsSync(index) && !entry.name.startsWith('@')) {
      const manifest = JSON.parse(readFileSync(join(PACKAGES, entry.name, 'package.json'), 'utf8'));
      if (manifest.name === entry.name) paths[entry.name] = [index];
    }
    if (existsSync(testing)) paths[`@statesync/${entry.name}/testing`] = [testing];
    const devtools = join(src, 'devtools.ts');
    if (existsSync(devtools)) paths[`@statesync/${entry.name}/devtools`] = [devtools];
    const shared = join(src, 'shared.ts');
    if (existsSync(shared)) paths[`@statesync/${entry.name}/shared`] = [shared];
  }
  return paths;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.base.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(formatPlain([read.error]));
  const parsed = ts.parseJsonConfigFileContent(
    { ...read.config, include: [], files: [] },
    ts.sys,
    ROOT,
    undefined,
    configPath,
  );
  // TS18002 ("files list is empty") is expected: the blocks are passed as root names.
  const errors = parsed.errors.filter((d) => d.code !== 18002);
  if (errors.length > 0) throw new Error(formatPlain(errors));
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Every block is a module, even one without imports or exports, so that top-level
    // names of different blocks never collide.
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: [...new Set([...(parsed.options.lib ?? []), 'lib.es2022.d.ts', 'lib.dom.d.ts'])],
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    paths: packagePaths(),
  };
}

function formatPlain(diagnostics: readonly ts.Diagnostic[]): string {
  return diagnostics
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
    .join('\n');
}

const readmes = findReadmes();
let tempDir: string | undefined;
/** Problems per README name, filled by the one program in beforeAll. */
const problems = new Map<string, string[]>();

beforeAll(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'statesync-readme-'));
  const files = new Map<string, { readme: Readme; block: Block }>();
  for (const readme of readmes) {
    problems.set(readme.name, [...readme.problems]);
    const dir = join(tempDir, readme.name.replace(/[/.]/g, '_'));
    mkdirSync(dir, { recursive: true });
    const named = new Set<string>();
    for (const block of readme.blocks) {
      if (block.skip) continue;
      const fileName = FILE_NAME.exec(block.code.split('\n', 1)[0]?.trim() ?? '')?.[1];
      if (fileName !== undefined && named.has(fileName)) {
        problems.get(readme.name)?.push(`${readme.name}:${block.fenceLine}: a second ${fileName}`);
      }
      if (fileName !== undefined) named.add(fileName);
      const file = join(dir, fileName ?? `L${block.fenceLine}.ts`);
      writeFileSync(file, block.code);
      files.set(file, { readme, block });
    }
  }

  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  // Resolve a block's imports as if it sat beside its Markdown file, so that it sees the
  // package's and the repo's node_modules rather than the temp directory's surroundings.
  const resolutionCache = ts.createModuleResolutionCache(ROOT, host.getCanonicalFileName, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, sourceFile) => {
    const origin = files.get(containingFile);
    const from = origin ? join(origin.readme.dir, 'sample.ts') : containingFile;
    return literals.map((literal) =>
      ts.resolveModuleName(
        literal.text,
        // './counter' is another block of the same README.
        literal.text.startsWith('./') ? containingFile : from,
        opts,
        host,
        resolutionCache,
        redirected,
        ts.getModeForUsageLocation(sourceFile, literal, opts),
      ),
    );
  };

  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) {
    for (const list of problems.values()) list.push(`compiler: ${formatPlain(global)}`);
  }
  for (const [file, { readme, block }] of files) {
    const sourceFile = program.getSourceFile(file);
    const list = problems.get(readme.name) ?? [];
    if (sourceFile === undefined) {
      list.push(`${readme.name}:${block.fenceLine}: block was not loaded into the program`);
      continue;
    }
    const diagnostics = [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
    ];
    for (const d of diagnostics) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
      let where = '';
      if (d.start !== undefined) {
        const { line, character } = sourceFile.getLineAndCharacterOfPosition(d.start);
        const mdLine = block.fenceLine + 1 + line;
        const text = block.code.split('\n')[line]?.trim() ?? '';
        where = ` line ${mdLine}:${character + 1 + block.indent} \`${text}\``;
      }
      list.push(
        `${readme.name}:${block.fenceLine}: ts block starting at line ${block.fenceLine},` +
          `${where}\n  TS${d.code}: ${message}`,
      );
    }
  }
  // No time limit: the check is synchronous and always ends, and its time is CPU time, which on
  // a loaded machine a limit would measure instead of the docs (it failed so at 60 s).
}, 0);

afterAll(() => {
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
});

describe('Markdown code blocks type-check', () => {
  it('finds the packages READMEs and the guides', () => {
    const names = readmes.map((readme) => readme.name);
    expect(names).toContain('packages/core/README.md');
    expect(names).toContain('docs/guide/getting-started.md');
  });

  it.each(readmes.map((readme) => [readme.name, readme] as const))('%s', (name, readme) => {
    // Guards the extraction itself: a README with no ts block found means the parser broke.
    if (readme.requireBlocks) {
      expect(readme.blocks.length, `${name}: no \`\`\`ts blocks found`).toBeGreaterThan(0);
    }
    const found = problems.get(name) ?? [];
    if (found.length > 0) {
      expect.fail(
        `${found.length} problem(s) in the ts blocks of ${name} ` +
          `(start a block with \`// @no-check\` to exclude it):\n\n${found.join('\n\n')}`,
      );
    }
  });
});
