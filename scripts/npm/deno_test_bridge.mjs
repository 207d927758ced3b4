// Copyright 2026 the portline authors. MIT license.
// Runs `Deno.test` suites under Node: preload with `node --import` so each
// `Deno.test(...)` becomes a `node:test` test and `t.step(...)` a subtest.
// scripts/build_npm.ts compiles the tests so that `Deno` in a test file is
// the module-local `const Deno = __portlineDeno` (see the end of this file).
//
//   node --import ./scripts/npm/deno_test_bridge.mjs --test npm/esm/tests/**/*_test.js
//
// Only `Deno.test` (all its call forms, `ignore`, `only`, steps) and
// `Deno.env.get` / `Deno.env.has` (read-only, for interop tests that read
// PORTLINE_INTEROP_DIR) exist; every other `Deno.*` stays undefined, so a test
// that needs one fails loudly instead of half-working. Sanitizer and
// permission options are accepted and ignored. The build type-checks tests
// against `deno_test_types.ts`, which declares exactly this surface.
import { test as nodeTest } from "node:test";
import process from "node:process";

/** Normalises the five `Deno.test` / `t.step` call forms to one definition. */
function normalise(a, b, c) {
  if (typeof a === "string") {
    return typeof b === "function" ? { name: a, fn: b } : { ...b, name: a, fn: c };
  }
  if (typeof a === "function") return { name: a.name, fn: a };
  if (typeof b === "function") return { name: b.name, ...a, fn: b };
  return a;
}

function context(t, name, parent) {
  return {
    name,
    origin: "",
    parent,
    async step(a, b, c) {
      const def = normalise(a, b, c);
      let ok = true;
      await t.test(def.name, { skip: Boolean(def.ignore) }, async (tt) => {
        try {
          await def.fn(context(tt, def.name, this));
        } catch (error) {
          ok = false;
          throw error;
        }
      });
      return ok && !def.ignore;
    },
  };
}

function denoTest(a, b, c) {
  const def = normalise(a, b, c);
  if (typeof def?.fn !== "function") throw new TypeError("Cannot register a test: no function");
  const options = { skip: Boolean(def.ignore) };
  if (def.only) options.only = true;
  nodeTest(def.name, options, (t) => def.fn(context(t, def.name, undefined)));
}
denoTest.ignore = (a, b, c) => denoTest({ ...normalise(a, b, c), ignore: true });
denoTest.only = (a, b, c) => denoTest({ ...normalise(a, b, c), only: true });

const env = {
  get: (key) => process.env[key],
  has: (key) => Object.hasOwn(process.env, key),
};

// Not `globalThis.Deno`: the library feature-detects Deno in places, and under
// the tests it must see what Node users get. The build prefixes each compiled
// test file with `const Deno = __portlineDeno;`.
globalThis.__portlineDeno = { test: denoTest, env };
