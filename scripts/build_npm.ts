// Copyright 2026 the portline authors. MIT license.
/**
 * Builds the npm package in `npm/` — what dnt would build, without dnt (JSR
 * and deno.land are unreachable here, and `@deno/shim-deno` cannot do
 * networking on Node 20):
 *
 * 1. ESM (`esm/`) and CommonJS (`script/`) JavaScript with `.d.ts` files and
 *    source maps, compiled by TypeScript 6.0.3 from the Deno sources, for every
 *    entry of deno.json's `exports` whose file exists; `.ts` specifiers become
 *    `.js`; `transport_deno.ts` is swapped for `transport_node.ts` (dnt's
 *    `mappings`); no emitted library file may use `Deno`.
 * 2. `package.json` (name `portline`, deno.json's version, exports mirroring
 *    deno.json's), README.md, LICENSE.
 * 3. The test suite (`tests/**\/*_test.ts` but `tests/interop/`) compiled to
 *    `esm/tests/` and run by `node --test` through a `Deno.test` → `node:test`
 *    bridge; with `--interop`, the FTP interop tests too (real proftpd).
 * 4. A consumer test: `npm pack`, install the tarball in a temporary project,
 *    import every subpath from ESM and CommonJS, smoke-test the protocols,
 *    type-check a consumer with `tsc` (nodenext, node16, bundler).
 *
 * Usage: deno run -A scripts/build_npm.ts [VERSION] [--skip-tests] [--skip-pack] [--interop]
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import process from "node:process";
import {
  Compiler,
  type CompileResult,
  denoApiOf,
  denoReferences,
  fileOf,
  importsOf,
  type Mapping,
  TYPESCRIPT_VERSION,
} from "./npm/compile.ts";
import { DENO_TEST_TYPES } from "./npm/deno_test_types.ts";
import { runConsumerTest } from "./npm/consumer_test.ts";
import { run, step, summary, warn } from "./npm/util.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "npm");
const NPM_NAME = "portline";
const TYPES_NODE = "@types/node@20.19.x";

/**
 * Modules swapped in the npm build (dnt's `mappings`). `subpath` names the
 * export that needs the mapping: once that export is built, an unused mapping
 * fails the build (it would mean the Deno module slipped through renamed).
 * HTTP needs no twin: protocols/http/decompress.ts feature-detects
 * `DecompressionStream("brotli")` and falls back to `node:zlib` (Node 20).
 */
const MAPPINGS: { from: string; to: string; subpath: string }[] = [
  {
    from: "protocols/_core/transport_deno.ts",
    to: "protocols/_core/transport_node.ts",
    subpath: "./core",
  },
];

/**
 * Test files that cannot run under Node, with the reason. Keep it short: ask
 * the author to switch to `node:` APIs instead (node:fs, node:process…).
 */
const NODE_SKIP: Record<string, string> = {
  "tests/examples/echo_test.ts":
    "runs the Deno examples as subprocesses (Deno.Command, Deno.listen)",
  "tests/http/idle_exit_test.ts": "runs a Deno subprocess (Deno.Command, Deno.execPath)",
};

/** Interop tests run under Node with `--interop` (real servers, see scripts/interop/). */
const NODE_INTEROP_TESTS = /^tests\/interop\/(ftp|http|socks)[^/]*_test\.ts$/;

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
for (const flag of flags) {
  if (!["--skip-tests", "--skip-pack", "--interop"].includes(flag)) {
    throw new Error(`Cannot build: unknown flag "${flag}"`);
  }
}
const started = performance.now();
const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const version: string = args.find((a) => !a.startsWith("--"))?.replace(/^v/, "") ??
  denoJson.version;
const rel = (path: string) => relative(ROOT, path);

// --- 1. entry points ------------------------------------------------------
const exportsMap: Record<string, string> = typeof denoJson.exports === "string"
  ? { ".": denoJson.exports }
  : denoJson.exports;
const entries: [subpath: string, file: string][] = [];
for (const [subpath, target] of Object.entries(exportsMap)) {
  const file = join(ROOT, target);
  if (existsSync(file)) entries.push([subpath, file]);
  else warn(`skipping export "${subpath}": ${target} does not exist yet`);
}
if (!entries.some(([s]) => s === ".")) throw new Error('Cannot build: the "." export is missing');
const built = new Set(entries.map(([s]) => s));

const mappings: (Mapping & { subpath: string })[] = [];
for (const m of MAPPINGS) {
  const from = join(ROOT, m.from);
  const to = join(ROOT, m.to);
  if (!existsSync(from)) continue;
  if (!existsSync(to)) {
    if (built.has(m.subpath)) {
      throw new Error(`Cannot build: mapping target ${m.to} for ${m.from} does not exist`);
    }
    continue;
  }
  mappings.push({ from, to, subpath: m.subpath });
}

// --- 2. test files ----------------------------------------------------------
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(path);
    return e.isFile() ? [path] : [];
  }).sort();
}
const testsDir = join(ROOT, "tests");
const allTests = walk(testsDir).filter((f) => f.endsWith("_test.ts"));
const wantedTests = allTests.filter((f) => {
  const r = rel(f);
  if (r.startsWith("tests/interop/")) return flags.has("--interop") && NODE_INTEROP_TESTS.test(r);
  return true;
});
for (const r of Object.keys(NODE_SKIP)) {
  if (!allTests.some((f) => rel(f) === r)) warn(`skip list names ${r}, which does not exist`);
}
const testFiles = wantedTests.filter((f) => !(rel(f) in NODE_SKIP));
if (flags.has("--interop") && !wantedTests.some((f) => rel(f).startsWith("tests/interop/"))) {
  warn("--interop: no tests/interop/{ftp,http,socks}*_test.ts; nothing interop to run under Node");
}

// --- 3. clean, @types/node -------------------------------------------------
await step("clean npm/ (keeping npm/node_modules)", async () => {
  await mkdir(OUT, { recursive: true });
  for (const name of await readdir(OUT)) {
    if (name !== "node_modules") await rm(join(OUT, name), { recursive: true, force: true });
  }
});
const typeRoot = join(OUT, "node_modules/@types");
await step(`install ${TYPES_NODE} for the compiler`, async () => {
  const installed = join(typeRoot, "node/package.json");
  if (
    existsSync(installed) && JSON.parse(readFileSync(installed, "utf8")).version.startsWith("20.")
  ) {
    return;
  }
  await writeFile(join(OUT, "package.json"), '{ "private": true }\n');
  await run("npm", [
    "install",
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    TYPES_NODE,
  ], { cwd: OUT });
});

// --- 4. compile -------------------------------------------------------------
const compiler = new Compiler({
  root: ROOT,
  mappings,
  denoCompilerOptions: denoJson.compilerOptions ?? {},
  typeRoot,
  // Tests reach the bridge's `Deno.test` through a module-local `Deno`: the
  // bridge defines no global `Deno`, so library code that feature-detects
  // Deno (`"Deno" in globalThis`) takes its Node path under the tests too.
  prelude: { dir: join(ROOT, "tests"), text: "const Deno = __portlineDeno; " },
});
const entryFiles = entries.map(([, f]) => f);

/** Every project file reachable from `roots` through relative imports (mappings applied). */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = compiler.textOf(file);
    if (text !== undefined) stack.push(...importsOf(file, text));
  }
  return seen;
}
const libraryFiles = closure(entryFiles);

/** Node-incompatible tests found by the compile: file → reasons. */
const incompatible = new Map<string, Set<string>>();
let esm!: CompileResult;
await step(
  `compile ESM (library + ${testFiles.length} test files) with TypeScript ${TYPESCRIPT_VERSION}`,
  () => {
    esm = compiler.compile([...entryFiles, ...testFiles], "esm", join(OUT, "esm"), {
      "tests/__deno_test_bridge.d.ts": DENO_TEST_TYPES,
    });
    const libraryErrors = esm.diagnostics.filter((d) => {
      const file = fileOf(d);
      return file === undefined || libraryFiles.has(file);
    });
    if (libraryErrors.length > 0) {
      console.error(compiler.format(libraryErrors));
      throw new Error(`Cannot compile the library (ESM): ${libraryErrors.length} errors`);
    }
    // A test that calls a Deno API cannot run under Node: it must be fixed or
    // listed in NODE_SKIP. Other type errors in tests come from differences
    // between Deno's and Node's type definitions (ReadableStream.from, say):
    // they are shown, and the run under Node decides.
    const denoApis = new Map<string, Set<string>>();
    const otherErrors: typeof esm.diagnostics[number][] = [];
    for (const d of esm.diagnostics) {
      const api = denoApiOf(d);
      if (api === undefined) otherErrors.push(d);
      else denoApis.set(fileOf(d)!, (denoApis.get(fileOf(d)!) ?? new Set()).add(api));
    }
    if (otherErrors.length > 0) {
      console.error(compiler.format(otherErrors));
      warn(
        `${otherErrors.length} type errors in tests under Node's types (above); running them anyway`,
      );
    }
    for (const test of testFiles) {
      for (const file of closure([test])) {
        for (const api of denoApis.get(file) ?? []) {
          incompatible.set(test, (incompatible.get(test) ?? new Set()).add(api));
        }
      }
    }
    if (incompatible.size > 0) {
      const lines = [...incompatible].map(([f, apis]) =>
        `  "${rel(f)}": "uses ${[...apis].join(", ")}",`
      );
      throw new Error(
        `Cannot run these tests under Node: they use Deno APIs. Switch them to node: APIs (node:fs, node:process…), or add them to NODE_SKIP in scripts/build_npm.ts:\n${
          lines.join("\n")
        }`,
      );
    }
  },
);

await step("compile CommonJS (library)", () => {
  const cjs = compiler.compile(entryFiles, "cjs", join(OUT, "script"));
  if (cjs.diagnostics.length > 0) {
    console.error(compiler.format(cjs.diagnostics));
    throw new Error(`Cannot compile the library (CommonJS): ${cjs.diagnostics.length} errors`);
  }
});

await step("check mappings and that no library output uses Deno", async () => {
  for (const m of mappings) {
    if (built.has(m.subpath) && !compiler.usedMappings.has(m.to)) {
      throw new Error(`Cannot find an import of mapped module ${rel(m.from)} (→ ${rel(m.to)})`);
    }
  }
  const offenders: string[] = [];
  for (const dir of ["esm", "script"]) {
    for (const file of walk(join(OUT, dir))) {
      if (file.startsWith(join(OUT, "esm/tests/"))) continue;
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const lines = denoReferences(file, readFileSync(file, "utf8"));
      if (lines.length > 0) offenders.push(`${relative(OUT, file)}:${lines.join(",")}`);
    }
    for (const m of mappings) {
      const emitted = join(OUT, dir, rel(m.from).replace(/\.ts$/, ".js"));
      if (existsSync(emitted)) offenders.push(`${relative(OUT, emitted)} (a mapped-away module)`);
    }
  }
  if (offenders.length > 0) {
    throw new Error(
      `Cannot ship Deno-specific code to npm (a Deno API, or feature detection through globalThis.Deno; use a node: API that both runtimes have, or a mapping):\n  ${
        offenders.join("\n  ")
      }`,
    );
  }
  await writeFile(join(OUT, "esm/package.json"), '{ "type": "module" }\n');
  await writeFile(join(OUT, "script/package.json"), '{ "type": "commonjs" }\n');
});

// --- 5. package.json, README, LICENSE, .npmignore ---------------------------
await step("write package.json, README.md, LICENSE, .npmignore", async () => {
  const out = (file: string, dir: string, ext: string) =>
    `./${dir}/${rel(file).replace(/\.ts$/, ext)}`;
  const main = entries.find(([s]) => s === ".")![1];
  const pkg = {
    name: NPM_NAME,
    version,
    description:
      "Internet protocol clients and test servers (SMTP, POP3, FTP, HTTP, MIME mail…) on one shared byte-level core, for Node and Deno",
    license: denoJson.license,
    keywords: ["smtp", "pop3", "ftp", "ftps", "http", "mime", "email", "starttls", "deno"],
    engines: { node: ">=20" },
    sideEffects: false,
    main: out(main, "script", ".js"),
    module: out(main, "esm", ".js"),
    types: out(main, "esm", ".d.ts"),
    exports: {
      ...Object.fromEntries(entries.map(([subpath, file]) => [subpath, {
        import: { types: out(file, "esm", ".d.ts"), default: out(file, "esm", ".js") },
        require: { types: out(file, "script", ".d.ts"), default: out(file, "script", ".js") },
      }])),
      "./package.json": "./package.json",
    },
  };
  await writeFile(join(OUT, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  for (const name of ["README.md", "LICENSE"]) {
    if (existsSync(join(ROOT, name))) await cp(join(ROOT, name), join(OUT, name));
    else warn(`${name} does not exist in the repository root: the package ships without it`);
  }
  // Files emitted only because tests import them (test servers not exported by
  // any entry, say) stay out of the tarball, like the tests themselves.
  const testOnly = esm.sourceFiles
    .filter((f) => !f.startsWith(testsDir + "/") && !libraryFiles.has(f))
    .map((f) => `/esm/${rel(f).replace(/\.ts$/, ".*")}`);
  await writeFile(
    join(OUT, ".npmignore"),
    ["/esm/tests/", "/node_modules/", "*.tgz", ...testOnly].join("\n") + "\n",
  );
});

// --- 6. the test suite under Node -------------------------------------------
await step("copy test data to esm/tests/", async () => {
  for (const file of walk(testsDir)) {
    if (file.endsWith(".ts")) continue;
    const r = rel(file);
    if (r.startsWith("tests/interop/") && !flags.has("--interop")) continue;
    await mkdir(dirname(join(OUT, "esm", r)), { recursive: true });
    await cp(file, join(OUT, "esm", r));
  }
});

if (!flags.has("--skip-tests") && testFiles.length > 0) {
  const bridge = pathToFileURL(join(ROOT, "scripts/npm/deno_test_bridge.mjs")).href;
  const unit = testFiles.filter((f) => !rel(f).startsWith("tests/interop/"));
  const interop = testFiles.filter((f) => rel(f).startsWith("tests/interop/"));
  const emittedTest = (f: string) => join("esm", rel(f).replace(/\.ts$/, ".js"));
  await step(
    `run ${unit.length} test files under Node`,
    () =>
      run("node", [
        "--import",
        bridge,
        "--test",
        "--test-timeout=60000",
        "--test-force-exit",
        ...unit.map(emittedTest),
      ], { cwd: OUT }),
  );
  if (interop.length > 0) {
    const dir = process.env.PORTLINE_INTEROP_DIR ?? join(ROOT, ".interop");
    await step(
      "start the interop servers (scripts/interop/run.sh --setup-only)",
      () => run("bash", [join(ROOT, "scripts/interop/run.sh"), "--setup-only"], { cwd: ROOT }),
    );
    await step(
      `run ${interop.length} interop test files under Node`,
      () =>
        run("node", ["--import", bridge, "--test", ...interop.map(emittedTest)], {
          cwd: OUT,
          env: { PORTLINE_INTEROP_DIR: dir },
        }),
    );
  }
} else if (testFiles.length === 0) {
  warn("no test files found");
}

// --- 7. consumer test ------------------------------------------------------
if (!flags.has("--skip-pack")) {
  await step("consumer test: npm pack, install, import, smoke, tsc", () =>
    runConsumerTest({
      outDir: OUT,
      sources: join(ROOT, "scripts/npm/consumer"),
      certs: join(ROOT, "tests/testdata"),
      subpaths: entries.map(([s]) => s),
      typesNode: TYPES_NODE,
      typescript: `typescript@${TYPESCRIPT_VERSION}`,
    }));
}

summary(performance.now() - started);
if (Object.keys(NODE_SKIP).length > 0) {
  console.log(`[build_npm] skipped under Node (see NODE_SKIP):`);
  for (const [file, reason] of Object.entries(NODE_SKIP)) console.log(`  ${file}: ${reason}`);
}
