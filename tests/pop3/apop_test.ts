// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { parsePop3ApopTimestamp, pop3ApopDigest } from "../../protocols/pop3/mod.ts";

Deno.test("pop3ApopDigest() matches RFC 1939's example", () => {
  assert.equal(
    pop3ApopDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
    "c4c9334bac560ecc979e58001b3e22fb",
  );
});

Deno.test("pop3ApopDigest() hashes the secret as UTF-8", () => {
  assert.equal(pop3ApopDigest("<1@x>", "pässword").length, 32);
  assert.notEqual(
    pop3ApopDigest("<1@x>", "pässword"),
    pop3ApopDigest("<1@x>", "p\xe4ssword".normalize("NFD")),
  );
});

const TIMESTAMPS: { greeting: string; expected: string | undefined }[] = [
  {
    greeting: "POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
    expected: "<1896.697170952@dbc.mtview.ca.us>",
  },
  {
    greeting: "Dovecot (Debian) ready. <3716.6.6b0766e0.FEKegUdgfNp4LPbig6iOxw==@vm>",
    expected: "<3716.6.6b0766e0.FEKegUdgfNp4LPbig6iOxw==@vm>",
  },
  { greeting: "ready <no-at-sign>", expected: undefined },
  { greeting: "ready", expected: undefined },
  { greeting: "<a@b> then <c@d>", expected: "<c@d>" },
  { greeting: "<with space@b>", expected: undefined },
];

for (const { greeting, expected } of TIMESTAMPS) {
  Deno.test(`parsePop3ApopTimestamp() on ${JSON.stringify(greeting)}`, () => {
    assert.equal(parsePop3ApopTimestamp(greeting), expected);
  });
}
