// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  assertPop3MessageNumber,
  parsePop3ListLine,
  parsePop3Octets,
  parsePop3Stat,
  parsePop3UidlLine,
} from "../../protocols/pop3/mod.ts";
import { ProtocolError } from "../../protocols/_core/mod.ts";

Deno.test("parsePop3Stat() reads count and size, ignoring extra text", () => {
  assert.deepEqual(parsePop3Stat("2 320"), { count: 2, size: 320 });
  assert.deepEqual(parsePop3Stat("0 0"), { count: 0, size: 0 });
  assert.deepEqual(parsePop3Stat("3 100 extra words"), { count: 3, size: 100 });
});

const BAD_STAT = ["", "2", "a b", "-1 5", "1 1e3", "99999999999999999999 1"];
for (const input of BAD_STAT) {
  Deno.test(`parsePop3Stat() refuses ${JSON.stringify(input)}`, () => {
    assert.throws(() => parsePop3Stat(input), ProtocolError);
  });
}

Deno.test("parsePop3ListLine() reads one entry", () => {
  assert.deepEqual(parsePop3ListLine("1 120"), { id: 1, size: 120 });
  assert.deepEqual(parsePop3ListLine("17  4096"), { id: 17, size: 4096 });
  assert.throws(() => parsePop3ListLine("1"), ProtocolError);
  assert.throws(() => parsePop3ListLine("x 1"), ProtocolError);
});

Deno.test("parsePop3UidlLine() reads one entry", () => {
  assert.deepEqual(parsePop3UidlLine("1 0000000a5f3e2b11"), { id: 1, uid: "0000000a5f3e2b11" });
  assert.deepEqual(parsePop3UidlLine("2 QhdPYR:00WBw1Ph7x7"), { id: 2, uid: "QhdPYR:00WBw1Ph7x7" });
  assert.throws(() => parsePop3UidlLine("3"), ProtocolError);
  assert.throws(() => parsePop3UidlLine("x abc"), ProtocolError);
});

Deno.test("parsePop3Octets() reads the size hint of a RETR reply", () => {
  assert.equal(parsePop3Octets("1234 octets"), 1234);
  assert.equal(parsePop3Octets("1234"), 1234);
  assert.equal(parsePop3Octets("message follows"), undefined);
  assert.equal(parsePop3Octets(""), undefined);
  assert.equal(parsePop3Octets("12abc"), undefined);
});

Deno.test("assertPop3MessageNumber() accepts positive integers only", () => {
  assertPop3MessageNumber(1);
  assertPop3MessageNumber(2 ** 40);
  for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 60]) {
    assert.throws(() => assertPop3MessageNumber(bad), RangeError);
  }
});
