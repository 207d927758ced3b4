// Copyright 2026 the portline authors. MIT license.
// The fuzz helpers themselves: deterministic, and they do catch a bug.
import assert from "../_assert.ts";
import { fuzz, fuzzInputs, latin1, latin1Bytes, mutate, Random } from "../_fuzz.ts";
import { ProtocolError } from "../../protocols/_core/errors.ts";

Deno.test("fuzz inputs are the same for the same seed, and differ between seeds", () => {
  const samples = ["250-SIZE 1000\r\n250 OK\r\n", "type=file;size=3; a.txt"];
  const a = [...fuzzInputs(7, 50, samples)].map((x) => x.input);
  const b = [...fuzzInputs(7, 50, samples)].map((x) => x.input);
  const c = [...fuzzInputs(8, 50, samples)].map((x) => x.input);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.some((s) => s !== samples[0] && s !== samples[1]));
});

Deno.test("mutate() changes its sample, and latin1 round-trips bytes", () => {
  const random = new Random(1);
  let changed = 0;
  for (let i = 0; i < 100; i++) {
    if (mutate(random, "hello world 123") !== "hello world 123") changed++;
  }
  assert.ok(changed > 80, `${changed} of 100 changed`);
  const bytes = new Random(2).bytes(1000);
  assert.deepEqual(latin1Bytes(latin1(bytes)), bytes);
});

Deno.test("fuzz() passes typed errors and fails on any other error, naming the seed", () => {
  fuzz("typed", { seed: 1, count: 100, samples: ["x"] }, (input) => {
    if (input.length % 2) throw new ProtocolError("odd");
  });
  assert.throws(
    () =>
      fuzz("buggy", { seed: 3, count: 100, samples: ["abc"] }, (input) => {
        if (input.includes("\n")) throw new TypeError("boom");
      }),
    /buggy: seed 3(?: with PORTLINE_FUZZ_SEED=\d+)?, input \d+ .* threw TypeError: boom/s,
  );
});
