// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { splitTlsSetting } from "../../protocols/_core/mod.ts";

Deno.test("splitTlsSetting() takes a mode, a mode with options, or nothing", () => {
  assert.deepEqual(splitTlsSetting("starttls"), { mode: "starttls", options: {} });
  assert.deepEqual(splitTlsSetting({ caCerts: ["pem"] }), {
    mode: undefined,
    options: { caCerts: ["pem"] },
  });
  assert.deepEqual(splitTlsSetting({ mode: "none", serverName: "x" }), {
    mode: "none",
    options: { serverName: "x" },
  });
  assert.deepEqual(splitTlsSetting(undefined), { mode: undefined, options: {} });
});

Deno.test("splitTlsSetting() rejects a misspelt mode by name", () => {
  assert.throws(
    // @ts-expect-error: a caller without types
    () => splitTlsSetting("explicit"),
    (error: unknown) =>
      error instanceof TypeError &&
      /"explicit".*"implicit", "starttls" or "none"/.test(error.message),
  );
  assert.throws(
    // @ts-expect-error: a caller without types
    () => splitTlsSetting({ mode: true }),
    TypeError,
  );
});
