// Copyright 2026 the portline authors. MIT license.
// The one place tests take assertions from: node:assert/strict runs in Deno
// and Node alike (JSR's @std/assert is unreachable here).
import assert from "node:assert/strict";

export default assert;
export const {
  deepEqual,
  deepStrictEqual,
  equal,
  notEqual,
  ok,
  rejects,
  throws,
  match,
  fail,
} = assert;
