// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  isPop3Continuation,
  isTransientPop3Code,
  parsePop3Status,
  type Pop3Status,
} from "../../protocols/pop3/mod.ts";

const STATUS: { title: string; input: string; expected: Pop3Status | null }[] = [
  { title: "bare +OK", input: "+OK", expected: { ok: true, text: "" } },
  { title: "+OK with text", input: "+OK 2 320", expected: { ok: true, text: "2 320" } },
  { title: "lower-case +ok", input: "+ok fine", expected: { ok: true, text: "fine" } },
  { title: "bare -ERR", input: "-ERR", expected: { ok: false, text: "" } },
  {
    title: "-ERR with IN-USE",
    input: "-ERR [IN-USE] Do you have another POP session running?",
    expected: {
      ok: false,
      text: "Do you have another POP session running?",
      responseCode: "IN-USE",
    },
  },
  {
    title: "hierarchical SYS/TEMP",
    input: "-ERR [SYS/TEMP] try later",
    expected: { ok: false, text: "try later", responseCode: "SYS/TEMP" },
  },
  {
    title: "SYS/PERM",
    input: "-ERR [SYS/PERM] mailbox gone",
    expected: { ok: false, text: "mailbox gone", responseCode: "SYS/PERM" },
  },
  {
    title: "LOGIN-DELAY",
    input: "-ERR [LOGIN-DELAY] wait",
    expected: { ok: false, text: "wait", responseCode: "LOGIN-DELAY" },
  },
  {
    title: "AUTH",
    input: "-ERR [AUTH] Authentication failed.",
    expected: { ok: false, text: "Authentication failed.", responseCode: "AUTH" },
  },
  {
    title: "UTF8 and lower case code",
    input: "-ERR [utf8] need UTF8",
    expected: { ok: false, text: "need UTF8", responseCode: "UTF8" },
  },
  {
    title: "code on +OK",
    input: "+OK [XYZ] fine",
    expected: { ok: true, text: "fine", responseCode: "XYZ" },
  },
  {
    title: "bracket text that is not a code",
    input: "-ERR [not a code] x",
    expected: { ok: false, text: "[not a code] x" },
  },
  { title: "IMAP line", input: "* OK hello", expected: null },
  { title: "+OKAY is not +OK", input: "+OKAY", expected: null },
  { title: "-ERROR is not -ERR", input: "-ERROR x", expected: null },
  { title: "continuation", input: "+ abc", expected: null },
  { title: "empty", input: "", expected: null },
];

for (const { title, input, expected } of STATUS) {
  Deno.test(`parsePop3Status() parses ${title}`, () => {
    assert.deepEqual(parsePop3Status(input), expected);
  });
}

Deno.test("isTransientPop3Code() knows the RFC 3206 temporary codes", () => {
  assert.equal(isTransientPop3Code("IN-USE"), true);
  assert.equal(isTransientPop3Code("LOGIN-DELAY"), true);
  assert.equal(isTransientPop3Code("SYS/TEMP"), true);
  assert.equal(isTransientPop3Code("SYS/TEMP/DISK"), true);
  assert.equal(isTransientPop3Code("SYS/PERM"), false);
  assert.equal(isTransientPop3Code("AUTH"), false);
  assert.equal(isTransientPop3Code("SYS"), false);
  assert.equal(isTransientPop3Code(undefined), false);
});

Deno.test("isPop3Continuation() tells challenges from +OK", () => {
  assert.equal(isPop3Continuation("+ "), true);
  assert.equal(isPop3Continuation("+"), true);
  assert.equal(isPop3Continuation("+ AAAA"), true);
  assert.equal(isPop3Continuation("+OK"), false);
  assert.equal(isPop3Continuation("-ERR"), false);
});
