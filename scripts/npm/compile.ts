// Copyright 2026 the portline authors. MIT license.
/**
 * The TypeScript half of the npm build: compiles the Deno sources with the
 * TypeScript compiler API (pinned 6.0.3; 7.x is the native port and has no
 * compiler API), applying dnt-style module mappings, rewriting `.ts`
 * specifiers to `.js` in JavaScript and declarations, and checking the output
 * for any use of `Deno`.
 *
 * @module
 */
// Pinned: 7.x is the native compiler and has no compiler API. (An import-map
// entry in deno.json would do as well; the build is the only user.)
// deno-lint-ignore no-import-prefix
import ts from "npm:typescript@6.0.3";
import { dirname, relative, resolve } from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

/** The TypeScript version the build compiles with. */
export const TYPESCRIPT_VERSION: string = ts.version;

/** One module swapped for another in the npm build, as dnt's `mappings`. */
export interface Mapping {
  /** The Deno module, absolute path. */
  from: string;
  /** Its Node twin, absolute path. */
  to: string;
}

/** What one compilation produced. */
export interface CompileResult {
  /** Absolute paths of every file written. */
  emitted: string[];
  /** Every diagnostic (options, syntax, semantics, emit). */
  diagnostics: readonly ts.Diagnostic[];
  /** The source files of the program under the project root. */
  sourceFiles: string[];
}

/** The module systems the build emits. */
export type ModuleFormat = "esm" | "cjs";

/** Options for {@linkcode Compiler}. */
export interface CompilerSetup {
  /** The project root (rootDir of every emit). */
  root: string;
  /** The module mappings. */
  mappings: Mapping[];
  /** `compilerOptions` from deno.json, applied on top of the build's own. */
  denoCompilerOptions: Record<string, unknown>;
  /** Where `@types/node` is installed (a `node_modules/@types` folder). */
  typeRoot: string;
  /**
   * Text put in front of the first line of every file under `dir` (same line,
   * so line numbers and source maps hold).
   */
  prelude?: { dir: string; text: string };
}

const SPECIFIER_TS = /\.([mc]?)ts$/;

/**
 * Rewrites relative import specifiers in `text`: `pick` returns the new
 * specifier or `undefined` to keep it. Uses the compiler's own import scanner,
 * so `import`, `export … from`, `import type` and `import()` are all found.
 */
function rewriteSpecifiers(text: string, pick: (spec: string) => string | undefined): string {
  const refs = ts.preProcessFile(text, true, true).importedFiles
    .sort((a, b) => b.pos - a.pos);
  for (const ref of refs) {
    if (!ref.fileName.startsWith(".")) continue;
    const next = pick(ref.fileName);
    if (next === undefined) continue;
    const at = text.indexOf(ref.fileName, ref.pos);
    if (at === -1) continue;
    text = text.slice(0, at) + next + text.slice(at + ref.fileName.length);
  }
  return text;
}

/** `.ts` → `.js` (and `.mts`/`.cts`) in relative specifiers of emitted files. */
function fixSpecifiers(text: string): string {
  return rewriteSpecifiers(
    text,
    (spec) =>
      SPECIFIER_TS.test(spec) && !/\.d\.[mc]?ts$/.test(spec)
        ? spec.replace(SPECIFIER_TS, (_, m: string) => `.${m}js`)
        : undefined,
  );
}

/** Relative imports of a source text, resolved to absolute paths. */
export function importsOf(fileName: string, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(fileName), spec));
}

/**
 * Compiles project sources with mappings applied. Source texts are read once
 * and shared by the ESM and CommonJS compilations.
 */
export class Compiler {
  readonly #root: string;
  readonly #mappings: Map<string, string>;
  readonly #used = new Set<string>();
  readonly #texts = new Map<string, string>();
  readonly #base: ts.CompilerOptions;
  readonly #prelude: { dir: string; text: string } | undefined;

  /**
   * Creates a compiler.
   *
   * @param setup Root, mappings, deno.json compiler options and type root.
   */
  constructor(setup: CompilerSetup) {
    this.#root = setup.root;
    this.#mappings = new Map(setup.mappings.map((m) => [m.from, m.to]));
    this.#prelude = setup.prelude;
    const fromDeno = ts.convertCompilerOptionsFromJson(setup.denoCompilerOptions, setup.root);
    if (fromDeno.errors.length > 0) {
      throw new Error(
        `Cannot use deno.json compilerOptions: ${
          fromDeno.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")
        }`,
      );
    }
    this.#base = {
      ...fromDeno.options,
      // Node 20 runs ES2023; a newer API (Promise.withResolvers, Array.fromAsync,
      // Uint8Array.fromBase64…) is then a compile error, as it would be a
      // runtime error on Node 20. The DOM lib gives the web type names Deno
      // has and @types/node 20 lacks (`TextEncoder` as a type, `RequestRedirect`,
      // `CompressionFormat`); no Deno types, so a stray `Deno.` fails.
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      typeRoots: [setup.typeRoot],
      strict: true,
      skipLibCheck: true,
      isolatedModules: true,
      esModuleInterop: true,
      allowImportingTsExtensions: true,
      rewriteRelativeImportExtensions: true,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      declaration: true,
      sourceMap: true,
      inlineSources: true,
      rootDir: setup.root,
      newLine: ts.NewLineKind.LineFeed,
      noEmitOnError: false,
    };
  }

  /** Mappings that some compiled file imported. */
  get usedMappings(): ReadonlySet<string> {
    return this.#used;
  }

  /** The source text after mappings are applied (cached). */
  textOf(fileName: string): string | undefined {
    let text = this.#texts.get(fileName);
    if (text !== undefined) return text;
    let raw: string;
    try {
      raw = readFileSync(fileName, "utf8");
    } catch {
      return undefined;
    }
    text = rewriteSpecifiers(raw, (spec) => {
      const target = this.#mappings.get(resolve(dirname(fileName), spec));
      if (target === undefined) return undefined;
      this.#used.add(target);
      const next = relative(dirname(fileName), target);
      return next.startsWith(".") ? next : `./${next}`;
    });
    if (this.#prelude && fileName.startsWith(this.#prelude.dir + "/")) {
      text = this.#prelude.text + text;
    }
    this.#texts.set(fileName, text);
    return text;
  }

  /**
   * Compiles `rootNames` into `outDir`.
   *
   * @param rootNames Entry files (absolute).
   * @param format ESM or CommonJS.
   * @param outDir Where to write.
   * @param ambient Extra ambient declarations (virtual `.d.ts` files: name → text).
   * @returns What was written and every diagnostic.
   */
  compile(
    rootNames: string[],
    format: ModuleFormat,
    outDir: string,
    ambient: Record<string, string> = {},
  ): CompileResult {
    const options: ts.CompilerOptions = {
      ...this.#base,
      module: format === "esm" ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      outDir,
    };
    const virtual = new Map(
      Object.entries(ambient).map(([name, text]) => [resolve(this.#root, name), text]),
    );
    const host = ts.createCompilerHost(options);
    const original = host.getSourceFile.bind(host);
    const emitted: string[] = [];
    host.fileExists = ((exists) => (f: string) => virtual.has(f) || exists(f))(host.fileExists);
    host.readFile = ((read) => (f: string) => virtual.get(f) ?? this.#projectText(f) ?? read(f))(
      host.readFile,
    );
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const text = virtual.get(fileName) ?? this.#projectText(fileName);
      return text !== undefined
        ? ts.createSourceFile(fileName, text, languageVersion, true)
        : original(fileName, languageVersion, onError, shouldCreate);
    };
    host.writeFile = (fileName, data) => {
      mkdirSync(dirname(fileName), { recursive: true });
      // Declarations keep `.ts` specifiers, and TypeScript 6.0.3 misses an
      // `import("./x.ts")` inside a block it rewrites for `await using`: both
      // are fixed here (same length, so source maps stay exact).
      writeFileSync(
        fileName,
        /\.([mc]?js|d\.[mc]?ts)$/.test(fileName) ? fixSpecifiers(data) : data,
      );
      emitted.push(fileName);
    };
    const program = ts.createProgram({
      rootNames: [...rootNames, ...virtual.keys()],
      options,
      host,
    });
    const emit = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics];
    const sourceFiles = program.getSourceFiles()
      .map((f) => f.fileName)
      .filter((f) => this.#isProjectFile(f) && !virtual.has(f));
    return { emitted, diagnostics, sourceFiles };
  }

  /**
   * Formats diagnostics with file, line and context.
   *
   * @param diagnostics The diagnostics.
   * @returns The text, colored.
   */
  format(diagnostics: readonly ts.Diagnostic[]): string {
    return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => this.#root,
      getNewLine: () => "\n",
    });
  }

  #isProjectFile(fileName: string): boolean {
    return fileName.startsWith(this.#root + "/") && !fileName.includes("/node_modules/");
  }

  #projectText(fileName: string): string | undefined {
    return this.#isProjectFile(fileName) && /\.[mc]?ts$/.test(fileName) &&
        !fileName.endsWith(".d.ts")
      ? this.textOf(fileName)
      : undefined;
  }
}

/** The message of a diagnostic, flattened to one line. */
export function messageOf(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
}

/**
 * The `Deno` API a diagnostic complains about (`Deno.env`, `Deno.Conn`…), if any.
 *
 * @param diagnostic A diagnostic from a compile without Deno types.
 * @returns `Deno.<name>`, or `undefined` when the error is about something else.
 */
export function denoApiOf(diagnostic: ts.Diagnostic): string | undefined {
  const text = messageOf(diagnostic);
  const match = /Property '(\w+)' does not exist on type 'typeof Deno'/.exec(text) ??
    /Namespace 'Deno' has no exported member '(\w+)'/.exec(text);
  if (match) return `Deno.${match[1]}`;
  if (/Cannot find name 'Deno'/.test(text)) return "Deno";
  return undefined;
}

/**
 * Finds every `Deno` identifier in an emitted JavaScript or declaration file
 * (comments and strings do not count).
 *
 * @param fileName The file's path, for the parser.
 * @param text Its contents.
 * @returns 1-based line numbers of each use.
 */
export function denoReferences(fileName: string, text: string): number[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === "Deno") {
      lines.push(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
    }
    node.forEachChild(visit);
  };
  visit(file);
  return lines;
}

/** The file a diagnostic is in, if any. */
export function fileOf(diagnostic: ts.Diagnostic): string | undefined {
  return diagnostic.file?.fileName;
}
