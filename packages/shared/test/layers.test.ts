import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The floor plan of `src/`, bottom first: a file may import from its own layer and the layers
 * below. Folders on one floor (`client/`, `authority/`) must not import each other: a page that
 * is only a client then carries no authority code. `share-options.ts` and `types.ts` are the
 * public types, below all.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['share-options.ts'],
  ['types.ts'],
  ['wire'],
  ['links'],
  ['store'],
  ['optimistic'],
  ['client', 'authority'],
  ['modes'],
  ['app'],
  ['testing', 'devtools'],
  ['index.ts', 'testing.ts', 'devtools.ts', 'server.ts'],
];

/**
 * The only folders whose code may import mutative at run time (type imports are erased): the
 * authority's, and a client's optimistic guesses, which it loads with `import()`.
 */
const MUTATIVE_AT_RUN_TIME = ['authority', 'optimistic'];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

interface Edge {
  to: string;
  typeOnly: boolean;
}

/** Every source file (relative to `src/`, with `/`) and what it imports, local or package. */
function scan(dir: string): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const file = relative(dir, path).split('\\').join('/');
        graph.set(file, importsOf(file, readFileSync(path, 'utf8')));
      }
    }
  };
  walk(dir);
  return graph;
}

function importsOf(file: string, text: string): Edge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.')
      ? posix.join(posix.dirname(file), specifier).replace(/\.js$/, '.ts')
      : specifier;
    edges.push({ to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnly(node));
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * Whether an import or export is erased from the build. Only `import type` and `export type`
 * are: under `verbatimModuleSyntax`, `import { type X }` still loads its module.
 */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  return ts.isExportDeclaration(node) ? node.isTypeOnly : !!node.importClause?.isTypeOnly;
}

/** The floor of a file and the folder (or root file) it belongs to. */
function placeOf(file: string): { floor: number; room: string } | undefined {
  const room = file.split('/')[0]!;
  const floor = FLOORS.findIndex((rooms) => rooms.includes(room));
  return floor < 0 ? undefined : { floor, room };
}

/** Imports that go up the floor plan or across one floor, and files outside it. */
function breaches(graph: ReadonlyMap<string, readonly Edge[]>): string[] {
  const found: string[] = [];
  for (const [file, edges] of graph) {
    const from = placeOf(file);
    if (!from) {
      found.push(`${file} is in no layer`);
      continue;
    }
    for (const { to } of edges) {
      if (!graph.has(to)) continue;
      const target = placeOf(to);
      if (!target) continue;
      if (target.floor > from.floor) found.push(`${file} imports ${to}, a layer above`);
      else if (target.floor === from.floor && target.room !== from.room) {
        found.push(`${file} imports ${to}, beside it on the same floor`);
      }
    }
  }
  return found;
}

/** Every import cycle among local files, type-only imports included, as a path `a → b → a`. */
function cycles(graph: ReadonlyMap<string, readonly Edge[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const { to } of graph.get(file) ?? []) {
      if (!graph.has(to)) continue;
      if (state.get(to) === 'open') found.push([...path.slice(path.indexOf(to)), to].join(' → '));
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** Run-time imports of mutative outside the folders that run actions. */
function mutativeOutsideAuthority(graph: ReadonlyMap<string, readonly Edge[]>): string[] {
  return [...graph]
    .filter(([file, edges]) => {
      const room = placeOf(file)?.room ?? '';
      return (
        !MUTATIVE_AT_RUN_TIME.includes(room) &&
        edges.some(({ to, typeOnly }) => to === 'mutative' && !typeOnly)
      );
    })
    .map(([file]) => file);
}

describe('the floor plan of packages/shared/src', () => {
  const graph = scan(SRC);

  it('finds the sources and their imports', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('app/shared-app.ts')).toContainEqual({
      to: 'modes/start-client.ts',
      typeOnly: false,
    });
  });

  it('has every file in a layer, and imports only from its own layer or below', () => {
    expect(breaches(graph)).toEqual([]);
  });

  it('has no import cycle, not even through type-only imports', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('runs mutative only where actions run', () => {
    expect(mutativeOutsideAuthority(graph)).toEqual([]);
  });

  it('keeps types.ts to types', () => {
    const text = readFileSync(join(SRC, 'types.ts'), 'utf8');
    const source = ts.createSourceFile('types.ts', text, ts.ScriptTarget.Latest);
    const code = source.statements.filter(
      (statement) =>
        !ts.isInterfaceDeclaration(statement) &&
        !ts.isTypeAliasDeclaration(statement) &&
        !(ts.isImportDeclaration(statement) && isTypeOnly(statement)) &&
        !(ts.isExportDeclaration(statement) && statement.isTypeOnly),
    );
    expect(code.map((statement) => statement.getText(source))).toEqual([]);
  });
});

describe('the floor-plan checks', () => {
  const graphOf = (edges: Record<string, string[]>) =>
    new Map(
      Object.entries(edges).map(([file, to]) => [
        file,
        to.map((target) => ({ to: target, typeOnly: true })),
      ]),
    );

  it('report an import that goes up, across a floor, or from outside the plan', () => {
    const graph = graphOf({
      'wire/a.ts': ['app/b.ts'],
      'app/b.ts': [],
      'client/c.ts': ['authority/d.ts'],
      'authority/d.ts': ['wire/a.ts'],
      'elsewhere/e.ts': [],
    });
    expect(breaches(graph)).toEqual([
      'wire/a.ts imports app/b.ts, a layer above',
      'client/c.ts imports authority/d.ts, beside it on the same floor',
      'elsewhere/e.ts is in no layer',
    ]);
  });

  it('report a cycle made of type-only imports', () => {
    const graph = graphOf({
      'modes/a.ts': ['modes/b.ts'],
      'modes/b.ts': ['modes/c.ts'],
      'modes/c.ts': ['modes/a.ts'],
    });
    expect(cycles(graph)).toEqual(['modes/a.ts → modes/b.ts → modes/c.ts → modes/a.ts']);
  });

  it('tell type-only imports from run-time ones', () => {
    const edges = importsOf(
      'client/x.ts',
      [
        "import type { Draft } from 'mutative';",
        "import { type Patch } from 'mutative';",
        "import { create } from 'mutative';",
        "export type { X } from '../wire/protocol.js';",
        "const lazy = () => import('../authority/authority-host.js');",
      ].join('\n'),
    );
    expect(edges).toEqual([
      { to: 'mutative', typeOnly: true },
      { to: 'mutative', typeOnly: false },
      { to: 'mutative', typeOnly: false },
      { to: 'wire/protocol.ts', typeOnly: true },
      { to: 'authority/authority-host.ts', typeOnly: false },
    ]);
    expect(mutativeOutsideAuthority(new Map([['client/x.ts', edges]]))).toEqual(['client/x.ts']);
  });
});
