/**
 * Type-checks every ```ts / ```typescript block of README.md and src/*\/README.md against the
 * public API (src/index.ts), in one TypeScript program with the repo's compiler options.
 *
 * Conventions for the examples:
 * - Each block is its own module. It may import explicitly (`from 'cdk8s-zero-trust'`, mapped to
 *   src/index.ts; `cdk8s`, `cdk8s-plus-27`, node modules). Names it uses but neither imports nor
 *   declares are imported for it: any export of the package root, `App`/`Chart`/`ApiObject`/
 *   `Duration` from cdk8s, `kplus` (cdk8s-plus-27 namespace), `k8s`, `fs`, `path`.
 * - The things an example is "given" (a `chart`, an `app`, the sample's workloads...) are the
 *   ambient declarations of {@link CONTEXT} below; an example may redeclare them.
 * - Unused names are allowed (examples show calls whose results they do not use).
 * - No deprecated API: a use of a `@deprecated` member or prop fails like a type error.
 * - A block whose first line is `// fragment` is not compiled (pseudo-code); keep them rare:
 *   at most {@link MAX_FRAGMENTS}.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = 'cdk8s-zero-trust';
const MAX_FRAGMENTS = 2;
/** Where the blocks live (in memory only: nothing is written to the shared tree). */
const VIRTUAL_DIR = path.join(ROOT, 'test', 'docs', '.readme-examples');

/** What the examples are given: ambient declarations (a script file, so they are global). */
const CONTEXT = `
declare const app: import('cdk8s').App;
declare const chart: import('cdk8s').Chart;
declare const euChart: import('cdk8s').Chart;
declare const fleet: import('cdk8s-zero-trust').Fleet;
declare const cluster: import('cdk8s-zero-trust').FleetCluster;
declare const web: import('cdk8s-plus-27').Deployment;
declare const api: import('cdk8s-plus-27').Deployment;
declare const webService: import('cdk8s-plus-27').Service;
declare const frontend: import('cdk8s-plus-27').Deployment;
declare const auth: import('cdk8s-plus-27').Deployment;
declare const order: import('cdk8s-plus-27').Deployment;
declare const payment: import('cdk8s-plus-27').Deployment;
declare const userDb: import('cdk8s-plus-27').Deployment;
declare const frontendNs: import('cdk8s-zero-trust').ZeroTrustNamespace;
declare const authNs: import('cdk8s-zero-trust').ZeroTrustNamespace;
declare const orderNs: import('cdk8s-zero-trust').ZeroTrustNamespace;
declare const paymentNs: import('cdk8s-zero-trust').ZeroTrustNamespace;
declare const shop: import('cdk8s-zero-trust').ZeroTrustNamespace;
declare const mesh: import('cdk8s-zero-trust').MtlsMesh;
declare const istio: import('cdk8s-zero-trust').IstioMultiCluster;
/** WireGuard public keys by site name. */
declare const KEYS: { [site: string]: string };
declare const EU_KEY: string;
declare const US_KEY: string;
declare const FLEET_REPO: string;
declare const ANALYZER_OPTIONS: import('cdk8s-zero-trust').AnalyzerOptions;
declare function buildEcommerce(app: import('cdk8s').App, options?: { readonly enforcement?: import('cdk8s-zero-trust').EnforcementMode }):
  { readonly fleet: import('cdk8s-zero-trust').Fleet };
`;

/** Names imported for a block that neither imports nor declares them (besides the package's exports). */
const OTHER_IMPORTS: { [name: string]: string } = {
  App: 'import { App } from \'cdk8s\';',
  Chart: 'import { Chart } from \'cdk8s\';',
  ApiObject: 'import { ApiObject } from \'cdk8s\';',
  Duration: 'import { Duration } from \'cdk8s\';',
  kplus: 'import * as kplus from \'cdk8s-plus-27\';',
  k8s: 'import { k8s } from \'cdk8s-plus-27\';',
  fs: 'import * as fs from \'fs\';',
  path: 'import * as path from \'path\';',
};

interface Block {
  /** README path relative to the repo. */
  readonly file: string;
  /** 1-based number of the ts block in its file. */
  readonly index: number;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
}

/** The ```ts / ```typescript blocks of a Markdown file. */
function extractBlocks(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: { line: number; ts: boolean; fence: string; body: string[] } | undefined;
  lines.forEach((text, i) => {
    if (open === undefined) {
      const m = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
      if (m) {
        open = { line: i + 1, ts: m[2] === 'ts' || m[2] === 'typescript', fence: m[1], body: [] };
      }
      return;
    }
    if (text.trim().startsWith(open.fence) && text.trim().replace(/[`~]/g, '') === '') {
      if (open.ts) {
        blocks.push({ file, index: blocks.length + 1, line: open.line, code: open.body.join('\n') });
      }
      open = undefined;
      return;
    }
    open.body.push(text);
  });
  if (open !== undefined) {
    throw new Error(`${file}:${open.line}: code block not closed`);
  }
  return blocks;
}

function readmes(): string[] {
  const folders = fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, 'src', d.name, 'README.md')))
    .map((d) => `src/${d.name}/README.md`)
    .sort();
  return ['README.md', ...folders];
}

function isFragment(b: Block): boolean {
  return b.code.trimStart().startsWith('// fragment');
}

/** Names the block imports or declares at top level. */
function ownNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addBinding = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) {
      names.add(n.text);
    } else {
      n.elements.forEach((e) => {
        if (!ts.isOmittedExpression(e)) {
          addBinding(e.name);
        }
      });
    }
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) {
        names.add(c.name.text);
      }
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        names.add(nb.name.text);
      } else if (nb) {
        nb.elements.forEach((e) => names.add(e.name.text));
      }
    } else if (ts.isImportEqualsDeclaration(st)) {
      names.add(st.name.text);
    } else if (ts.isVariableStatement(st)) {
      st.declarationList.declarations.forEach((d) => addBinding(d.name));
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st)
      || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      names.add(st.name.text);
    }
  }
  return names;
}

/** Every identifier the block mentions. */
function usedNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n)) {
      names.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return names;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, 'test', 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, path.dirname(configPath));
  return {
    ...parsed.options,
    noEmit: true,
    // examples show calls whose results they do not use
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: { [PACKAGE]: [path.join(ROOT, 'src', 'index.ts')] },
  };
}

/** The symbol's `@deprecated` text, if its declarations have the tag. */
function deprecation(symbol: ts.Symbol | undefined): string | undefined {
  for (const d of symbol?.declarations ?? []) {
    const tag = ts.getJSDocDeprecatedTag(d);
    if (tag) {
      return ts.getTextOfJSDocComment(tag.comment) ?? '';
    }
  }
  return undefined;
}

/** Uses of deprecated API in a block (examples show the current API): as diagnostics. */
function deprecatedUses(checker: ts.TypeChecker, sf: ts.SourceFile): ts.Diagnostic[] {
  const found: ts.Diagnostic[] = [];
  const report = (node: ts.Node, name: string, why: string) => found.push({
    category: ts.DiagnosticCategory.Error,
    code: 6385,
    file: sf,
    start: node.getStart(sf),
    length: node.getWidth(sf),
    messageText: `'${name}' is deprecated: ${why}`,
  });
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) {
      // a prop in an object literal: look it up on the type the literal is given to
      const type = checker.getContextualType(n.parent as ts.ObjectLiteralExpression);
      const name = n.name.getText(sf);
      const why = type ? deprecation(type.getNonNullableType().getProperty(name)) : undefined;
      if (why !== undefined) {
        report(n.name, name, why);
      }
    } else if (ts.isIdentifier(n) && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)) {
      const sym = checker.getSymbolAtLocation(n);
      const why = deprecation(sym && (sym.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(sym) : sym); // eslint-disable-line no-bitwise
      if (why !== undefined) {
        report(n, n.text, why);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('TypeScript examples of the READMEs', () => {
  const files = readmes();
  const blocks = files.flatMap(extractBlocks);
  const checked = blocks.filter((b) => !isFragment(b));

  test('README.md has ts examples and few are fragments', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(0);
    expect(blocks.length - checked.length).toBeLessThanOrEqual(MAX_FRAGMENTS);
  });

  test('every example type-checks against the public API', () => {
    expect(checked.length).toBeGreaterThan(0);
    const options = compilerOptions();
    const host = ts.createCompilerHost(options, true);
    const cache = new Map<string, ts.SourceFile | undefined>();
    const virtual = new Map<string, string>();
    const baseGetSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, lang, onError, create) => {
      const text = virtual.get(fileName);
      if (text !== undefined) {
        return ts.createSourceFile(fileName, text, lang, true);
      }
      if (!cache.has(fileName)) {
        cache.set(fileName, baseGetSourceFile(fileName, lang, onError, create));
      }
      return cache.get(fileName);
    };
    const baseFileExists = host.fileExists.bind(host);
    host.fileExists = (f) => virtual.has(f) || baseFileExists(f);
    const baseReadFile = host.readFile.bind(host);
    host.readFile = (f) => virtual.get(f) ?? baseReadFile(f);

    // the package's exports (values and types), from a program over src/index.ts
    const index = path.join(ROOT, 'src', 'index.ts');
    const libProgram = ts.createProgram({ rootNames: [index], options, host });
    const checker = libProgram.getTypeChecker();
    const indexSymbol = checker.getSymbolAtLocation(libProgram.getSourceFile(index)!)!;
    const exported = new Set(checker.getExportsOfModule(indexSymbol).map((s) => s.name));
    expect(exported.has('Flows')).toBe(true);

    const contextFile = path.join(VIRTUAL_DIR, 'context.d.ts');
    virtual.set(contextFile, CONTEXT);
    const byFile = new Map<string, { block: Block; prelude: number }>();
    for (const b of checked) {
      const sf = ts.createSourceFile('x.ts', b.code, ts.ScriptTarget.ES2022, true);
      const own = ownNames(sf);
      const wanted = [...usedNames(sf)].filter((n) => !own.has(n)).sort();
      const fromPackage = wanted.filter((n) => exported.has(n));
      const prelude = [
        ...(fromPackage.length > 0 ? [`import { ${fromPackage.join(', ')} } from '${PACKAGE}';`] : []),
        ...wanted.filter((n) => !exported.has(n) && OTHER_IMPORTS[n] !== undefined).map((n) => OTHER_IMPORTS[n]),
      ];
      const name = path.join(VIRTUAL_DIR, `${b.file.replace(/[/.]/g, '_')}_${b.index}.ts`);
      // the block's own lines keep their numbers after the prelude line(s); `export {}` makes it a module
      virtual.set(name, `${prelude.join(' ')}\n${b.code}\nexport {};\n`);
      byFile.set(name, { block: b, prelude: 1 });
    }

    const program = ts.createProgram({ rootNames: [contextFile, ...byFile.keys()], options, host, oldProgram: libProgram });
    const failures: string[] = [];
    const describeDiag = (d: ts.Diagnostic): string => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const entry = d.file ? byFile.get(d.file.fileName) : undefined;
      if (entry && where) {
        const { block } = entry;
        const blockLine = where.line - entry.prelude + 1;
        const code = block.code.split('\n')[blockLine - 1] ?? '';
        return `${block.file} ts block #${block.index} (line ${block.line + blockLine}): TS${d.code}: ${msg}\n    > ${code.trim()}`;
      }
      return `${d.file ? path.relative(ROOT, d.file.fileName) : '(global)'}${where ? `:${where.line + 1}` : ''}: TS${d.code}: ${msg}`;
    };
    const blockChecker = program.getTypeChecker();
    for (const f of [contextFile, ...byFile.keys()]) {
      const sf = program.getSourceFile(f)!;
      const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
      failures.push(...diags.map(describeDiag));
      if (byFile.has(f)) {
        failures.push(...deprecatedUses(blockChecker, sf).map(describeDiag));
      }
    }
    failures.push(...program.getGlobalDiagnostics().map(describeDiag));
    expect(failures).toEqual([]);
  }, 120_000);
});
