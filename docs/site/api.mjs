// The API reference, read from the sources with the TypeScript compiler: for every entry point
// (packages/<name>/src/index.ts, testing.ts and devtools.ts), each exported name with its kind, its
// declaration without bodies, and its JSDoc.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ENTRIES = [
  { file: 'index.ts', suffix: '' },
  { file: 'testing.ts', suffix: '/testing' },
  { file: 'devtools.ts', suffix: '/devtools' },
];

/** Kinds in the order a page lists them. */
export const KINDS = ['function', 'const', 'class', 'interface', 'type', 'enum'];

function kindOf(declaration) {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isVariableDeclaration(declaration)) return 'const';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  return undefined;
}

/** Source text from `start` to `end`, with the declared name replaced by the exported one. */
function sliceRenamed(declaration, start, end, exportName) {
  const source = declaration.getSourceFile().text;
  const name = declaration.name;
  if (name === undefined || name.getStart() < start || name.end > end) {
    return source.slice(start, end);
  }
  return source.slice(start, name.getStart()) + exportName + source.slice(name.end, end);
}

/** Drops `export`, `default` and `declare`, which say nothing about the declaration itself. */
function withoutExportKeywords(text) {
  return text.replace(/^(?:(?:export|default|declare)\s+)+/, '');
}

function signatureText(declaration, exportName, checker) {
  const sourceFile = declaration.getSourceFile();
  if (ts.isFunctionDeclaration(declaration)) {
    const end = declaration.body ? declaration.body.getStart() : declaration.end;
    const text = sliceRenamed(declaration, declaration.getStart(), end, exportName).trim();
    return `${withoutExportKeywords(text).replace(/;$/, '')};`;
  }
  if (ts.isVariableDeclaration(declaration)) {
    const type = declaration.type
      ? declaration.type.getText(sourceFile)
      : checker.typeToString(
          checker.getTypeAtLocation(declaration.name),
          declaration,
          ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope,
        );
    return `const ${exportName}: ${type};`;
  }
  if (ts.isClassDeclaration(declaration)) {
    const head = sliceRenamed(
      declaration,
      declaration.getStart(),
      declaration.members.pos,
      exportName,
    ).trim();
    const members = declaration.members
      .filter((member) => {
        const hidden = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
        if (ts.getCombinedModifierFlags(member) & hidden) return false;
        // #private fields and computed keys (internal brands) are not part of the API.
        const name = member.name;
        return !(name && (ts.isPrivateIdentifier(name) || ts.isComputedPropertyName(name)));
      })
      .map((member) => {
        const start = member.getStart();
        let end = member.end;
        if ('body' in member && member.body) end = member.body.getStart();
        else if (ts.isPropertyDeclaration(member) && member.initializer && member.type) {
          end = member.initializer.getStart();
        }
        const text = sourceFile.text.slice(start, end).trim().replace(/=$/, '').trim();
        return `  ${text.replace(/;$/, '')};`;
      });
    return `${withoutExportKeywords(head)}\n${members.join('\n')}\n}`;
  }
  const text = sliceRenamed(declaration, declaration.getStart(), declaration.end, exportName);
  return withoutExportKeywords(text);
}

function docText(symbol, checker) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = symbol.getJsDocTags(checker).map((tag) => ({
    name: tag.name,
    text: ts.displayPartsToString(tag.text ?? []).trim(),
  }));
  return { text, tags };
}

/** The entry points of the packages under `root`, sorted by package. */
function entryPoints(root) {
  const packages = join(root, 'packages');
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((pkg) =>
      ENTRIES.map(({ file, suffix }) => ({
        pkg,
        module: `@statesync/${pkg}${suffix}`,
        path: join(packages, pkg, 'src', file),
      })).filter((entry) => existsSync(entry.path)),
    );
}

function compilerOptions(root) {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, types: [] };
}

/**
 * `{ pkg, module, items }` for every entry point; an item is `{ name, kind, signature, doc,
 * source: { path, line } }`, with `path` relative to `root`. Names a declaration the reader
 * does not know (a re-export of something else) as kind `other`.
 */
export function extractApi(root) {
  const entries = entryPoints(root);
  const program = ts.createProgram({
    rootNames: entries.map((entry) => entry.path),
    options: compilerOptions(root),
  });
  const checker = program.getTypeChecker();
  return entries.map((entry) => {
    const sourceFile = program.getSourceFile(entry.path);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) throw new Error(`cannot read the exports of ${entry.path}`);
    const items = checker.getExportsOfModule(moduleSymbol).map((exported) => {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = (symbol.declarations ?? []).filter((d) => kindOf(d) !== undefined);
      const implementations = declarations.filter(
        (d) => !(ts.isFunctionDeclaration(d) && d.body && declarations.length > 1),
      );
      const first = implementations[0];
      const name = exported.name;
      if (first === undefined) {
        return { name, kind: 'other', signature: '', doc: docText(symbol, checker) };
      }
      const file = first.getSourceFile();
      return {
        name,
        kind: kindOf(first),
        signature: implementations.map((d) => signatureText(d, name, checker)).join('\n'),
        doc: docText(symbol, checker),
        source: {
          path: relative(root, file.fileName).split('\\').join('/'),
          line: file.getLineAndCharacterOfPosition(first.getStart()).line + 1,
        },
      };
    });
    items.sort((a, b) => a.name.localeCompare(b.name, 'en'));
    return { pkg: entry.pkg, module: entry.module, items };
  });
}
