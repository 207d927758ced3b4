// Copyright 2026 the portline authors. MIT license.
// CommonJS consumer: `require` every subpath (node smoke.cjs <subpath>...).
"use strict";
const assert = require("node:assert/strict");

const subpaths = process.argv.slice(2);
for (const subpath of subpaths) {
  const spec = subpath === "." ? "portline" : `portline/${subpath.slice(2)}`;
  const mod = require(spec);
  assert.ok(Object.keys(mod).length > 0, `${spec} exports something`);
  assert.match(require.resolve(spec), /\/script\//);
}
const { TimeoutError, PortlineError } = require("portline");
const error = new TimeoutError("Cannot read: timed out");
assert.ok(error instanceof PortlineError);
assert.equal(error.code, "ERR_TIMEOUT");
console.log(`ok require(): ${subpaths.length} subpaths`);
