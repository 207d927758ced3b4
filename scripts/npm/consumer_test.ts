// Copyright 2026 the portline authors. MIT license.
/**
 * The consumer test of the npm build: `npm pack`, install the tarball in a
 * temporary Node project, run the smoke scripts of `scripts/npm/consumer/`
 * (ESM and CommonJS), and type-check the consumer `.ts` files with `tsc`
 * under nodenext, node16 and bundler resolution against the shipped `.d.ts`.
 *
 * A protocol's smoke script (`smoke_<name>.mjs`) and type file
 * (`types_<name>.ts`) run only when its subpath is in the build.
 *
 * @module
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, warn } from "./util.ts";

/** Options of {@linkcode runConsumerTest}. */
export interface ConsumerTestOptions {
  /** The built package (`npm/`). */
  outDir: string;
  /** The consumer sources (`scripts/npm/consumer/`). */
  sources: string;
  /** Test certificates (ca.pem, cert.pem, key.pem). */
  certs: string;
  /** The subpaths in the build (`"."`, `"./core"`, …). */
  subpaths: string[];
  /** The `@types/node` to install, e.g. `@types/node@20.19.x`. */
  typesNode: string;
  /** The TypeScript to install, e.g. `typescript@6.0.3`. */
  typescript: string;
}

/** Protocol smoke steps, each run when its subpath is built. */
const PROTOCOL_SMOKES = ["smtp", "ftp", "pop3", "http", "mail"];

interface PackedFile {
  path: string;
}

/**
 * Packs, installs and exercises the package as a Node user would.
 *
 * @param options Where things are, and what is built.
 */
export async function runConsumerTest(options: ConsumerTestOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "portline-consumer-"));
  try {
    const packed = JSON.parse(
      await run("npm", ["pack", "--json", "--pack-destination", dir, "--loglevel=error"], {
        cwd: options.outDir,
        capture: true,
      }),
    )[0] as { filename: string; files: PackedFile[]; size: number; unpackedSize: number };
    checkTarball(packed.files.map((f) => f.path));
    console.log(
      `[build_npm] ${packed.filename}: ${packed.files.length} files, ${
        (packed.size / 1024).toFixed(0)
      } KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked`,
    );

    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "portline-consumer", private: true, type: "module" }, null, 2),
    );
    for (const name of await readdir(options.sources)) {
      await cp(join(options.sources, name), join(dir, name));
    }
    await mkdir(join(dir, "certs"));
    for (const name of ["ca.pem", "cert.pem", "key.pem"]) {
      await cp(join(options.certs, name), join(dir, "certs", name));
    }
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `./${packed.filename}`,
      options.typescript,
      options.typesNode,
    ], { cwd: dir });

    await run("node", ["smoke.mjs", ...options.subpaths], { cwd: dir });
    await run("node", ["smoke.cjs", ...options.subpaths], { cwd: dir });
    const typeFiles = ["types_core.ts"];
    for (const name of PROTOCOL_SMOKES) {
      const built = options.subpaths.includes(`./${name}`);
      const smoke = `smoke_${name}.mjs`;
      if (existsSync(join(dir, smoke))) {
        if (built) await run("node", [smoke], { cwd: dir });
        else console.log(`[build_npm] note: ${smoke} skipped: portline/${name} is not built yet`);
      }
      if (built && existsSync(join(dir, `types_${name}.ts`))) typeFiles.push(`types_${name}.ts`);
    }
    // Every built subpath's declarations, loaded whole (no skipLibCheck).
    await writeFile(
      join(dir, "types_all.ts"),
      options.subpaths.map((subpath, i) =>
        `import * as m${i} from "${
          subpath === "." ? "portline" : `portline/${subpath.slice(2)}`
        }";\n` +
        `export type M${i} = typeof m${i};\n`
      ).join(""),
    );
    typeFiles.push("types_all.ts");
    const needDom: string[] = [];
    for (const resolution of ["nodenext", "node16", "bundler"]) {
      const files = resolution === "bundler" ? typeFiles : [...typeFiles, "types_require.cts"];
      const tsc = (lib: string) =>
        run("node", [
          "node_modules/typescript/bin/tsc",
          "--noEmit",
          "--strict",
          "--target",
          "es2022",
          "--lib",
          lib,
          "--types",
          "node",
          "--module",
          resolution === "bundler" ? "esnext" : resolution,
          "--moduleResolution",
          resolution,
          ...files,
        ], { cwd: dir });
      // A Node-only project: ES2023 and @types/node, no DOM lib. If the shipped
      // declarations need DOM type names, say so and check with the DOM lib
      // (what a tsconfig without "lib" gets).
      try {
        await tsc("es2023");
      } catch {
        await tsc("es2023,dom");
        needDom.push(resolution);
      }
      console.log(`[build_npm] tsc --moduleResolution ${resolution}: ${files.join(", ")} ok`);
    }
    if (needDom.length > 0) {
      warn(
        `the shipped .d.ts files need the DOM lib (errors above; ${
          needDom.join(", ")
        }): a Node project with "lib": ["es2023"] and no skipLibCheck cannot type-check them`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fails when the tarball ships tests, Deno code or misses an exported file. */
function checkTarball(files: string[]): void {
  const bad = files.filter((f) =>
    f.startsWith("esm/tests/") || f.startsWith("node_modules/") || /transport_deno\./.test(f) ||
    f.endsWith(".ts") && !f.endsWith(".d.ts")
  );
  if (bad.length > 0) throw new Error(`Cannot ship these files:\n  ${bad.join("\n  ")}`);
  for (const required of ["package.json", "esm/package.json", "script/package.json"]) {
    if (!files.includes(required)) throw new Error(`Cannot find ${required} in the tarball`);
  }
}
