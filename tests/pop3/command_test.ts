// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  fitsPop3Line,
  formatPop3Command,
  POP3_MAX_COMMAND_OCTETS,
  redactPop3Command,
} from "../../protocols/pop3/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

Deno.test("formatPop3Command() joins verb and arguments", () => {
  assert.equal(formatPop3Command("STAT"), "STAT");
  assert.equal(formatPop3Command("TOP", 3, 0), "TOP 3 0");
  assert.equal(formatPop3Command("PASS", "with space"), "PASS with space");
});

for (const bad of ["a\r\nDELE 1", "a\nb", "a\rb", "a\0b", ""]) {
  Deno.test(`formatPop3Command() refuses argument ${JSON.stringify(bad)}`, () => {
    assert.throws(() => formatPop3Command("USER", bad), InvalidArgumentError);
  });
}

Deno.test("fitsPop3Line() applies the 255-octet limit with CRLF", () => {
  const max = POP3_MAX_COMMAND_OCTETS - 2;
  assert.equal(fitsPop3Line("x".repeat(max)), true);
  assert.equal(fitsPop3Line("x".repeat(max + 1)), false);
  assert.equal(fitsPop3Line("é".repeat(max / 2 + 1)), false);
});

Deno.test("redactPop3Command() hides secrets only", () => {
  const table: [string, string][] = [
    ["PASS secret words", "PASS ***"],
    ["pass x", "PASS ***"],
    ["APOP ann c4c9334bac560ecc979e58001b3e22fb", "APOP ann ***"],
    ["AUTH PLAIN AGFubgBwdw==", "AUTH PLAIN ***"],
    ["AUTH SCRAM-SHA-1", "AUTH SCRAM-SHA-1"],
    ["USER ann", "USER ann"],
    ["RETR 1", "RETR 1"],
  ];
  for (const [input, expected] of table) assert.equal(redactPop3Command(input), expected);
});
