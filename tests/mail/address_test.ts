// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { formatMailAddress, type MailAddress, parseAddressList } from "../../protocols/mail/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

const PARSE: { title: string; input: string; expected: MailAddress[] }[] = [
  { title: "empty", input: "", expected: [] },
  { title: "bare address", input: "ann@example.org", expected: [{ address: "ann@example.org" }] },
  {
    title: "angle address with name",
    input: "Ann Lee <ann@example.org>",
    expected: [{ name: "Ann Lee", address: "ann@example.org" }],
  },
  {
    title: "quoted name with comma and escapes",
    input: '"Lee, Ann \\"The Hammer\\"" <ann@example.org>',
    expected: [{ name: 'Lee, Ann "The Hammer"', address: "ann@example.org" }],
  },
  {
    title: "list with stray commas",
    input: "a@x.org, , b@y.org,",
    expected: [{ address: "a@x.org" }, { address: "b@y.org" }],
  },
  {
    title: "comment as name",
    input: "ann@example.org (Ann Lee)",
    expected: [{ name: "Ann Lee", address: "ann@example.org" }],
  },
  {
    title: "comments ignored when there is a name",
    input: "Ann (work) <ann@example.org> (x)",
    expected: [{ name: "Ann", address: "ann@example.org" }],
  },
  {
    title: "nested comments",
    input: "ann@example.org (Ann (the) Lee)",
    expected: [{ name: "Ann (the) Lee", address: "ann@example.org" }],
  },
  {
    title: "encoded-words in the name, adjacent ones joined",
    input: "=?utf-8?Q?J=C3=B6rg?= =?utf-8?Q?_M=C3=BCller?= <j@example.org>",
    expected: [{ name: "Jörg Müller", address: "j@example.org" }],
  },
  {
    title: "encoded-word inside quotes (seen in the wild)",
    input: '"=?utf-8?B?SsO2cmc=?=" <j@example.org>',
    expected: [{ name: "Jörg", address: "j@example.org" }],
  },
  {
    title: "encoded comma in an encoded name does not split",
    input: "=?utf-8?Q?Lee=2C_Ann?= <ann@example.org>, bo@example.org",
    expected: [{ name: "Lee, Ann", address: "ann@example.org" }, { address: "bo@example.org" }],
  },
  {
    title: "groups are flattened",
    input: 'Team: a@x.org, "B" <b@x.org>;, c@x.org, Empty:;',
    expected: [{ address: "a@x.org" }, { name: "B", address: "b@x.org" }, { address: "c@x.org" }],
  },
  { title: "undisclosed recipients", input: "undisclosed-recipients:;", expected: [] },
  {
    title: "source route dropped",
    input: "<@relay.example,@other.example:ann@example.org>",
    expected: [{ address: "ann@example.org" }],
  },
  {
    title: "quoted local part kept quoted when needed",
    input: '"john doe"@example.org, "plain"@example.org',
    expected: [{ address: '"john doe"@example.org' }, { address: "plain@example.org" }],
  },
  {
    title: "domain literal",
    input: "root@[192.0.2.1]",
    expected: [{ address: "root@[192.0.2.1]" }],
  },
  {
    title: "raw UTF-8 (RFC 6532)",
    input: "Jörg <jörg@bücher.example>",
    expected: [{ name: "Jörg", address: "jörg@bücher.example" }],
  },
  {
    title: "name without angle brackets (obsolete)",
    input: "John Smith john@example.org",
    expected: [{ name: "John Smith", address: "john@example.org" }],
  },
  {
    title: "dots in an unquoted name (obs-phrase)",
    input: "John Q. Public <jqp@example.org>",
    expected: [{ name: "John Q. Public", address: "jqp@example.org" }],
  },
  {
    title: "folded",
    input: "Ann\r\n Lee <ann@example.org>,\r\n\tbo@example.org",
    expected: [{ name: "Ann Lee", address: "ann@example.org" }, { address: "bo@example.org" }],
  },
  { title: "empty angle address", input: "<>", expected: [] },
  {
    title: "stray closing parenthesis and bracket",
    input: "Ann) <a@x.org>, b]@y.org",
    expected: [{ name: "Ann)", address: "a@x.org" }, { address: "b]@y.org" }],
  },
  { title: "local only", input: "postmaster", expected: [{ address: "postmaster" }] },
  {
    title: "unclosed angle",
    input: "Ann <ann@example.org",
    expected: [{ name: "Ann", address: "ann@example.org" }],
  },
];

Deno.test("parseAddressList() parses the table", () => {
  for (const { title, input, expected } of PARSE) {
    assert.deepEqual(parseAddressList(input), expected, title);
  }
});

Deno.test("parseAddressList() survives hostile input quickly", () => {
  const inputs = [
    "(".repeat(50_000),
    '"'.repeat(50_000),
    "<".repeat(50_000),
    "a@b, ".repeat(20_000),
    "=?utf-8?Q?".repeat(10_000),
  ];
  for (const input of inputs) assert.ok(Array.isArray(parseAddressList(input)));
});

const FORMAT: { title: string; input: MailAddress; utf8?: boolean; expected: string }[] = [
  { title: "bare", input: { address: "a@x.org" }, expected: "a@x.org" },
  {
    title: "atom name",
    input: { name: "Ann Lee", address: "a@x.org" },
    expected: "Ann Lee <a@x.org>",
  },
  {
    title: "specials quoted",
    input: { name: "Lee, Ann (work)", address: "a@x.org" },
    expected: '"Lee, Ann (work)" <a@x.org>',
  },
  {
    title: "quotes and backslashes escaped",
    input: { name: 'A "B" \\ C', address: "a@x.org" },
    expected: '"A \\"B\\" \\\\ C" <a@x.org>',
  },
  {
    title: "dot quoted",
    input: { name: "John Q. Public", address: "a@x.org" },
    expected: '"John Q. Public" <a@x.org>',
  },
  {
    title: "non-ASCII encoded",
    input: { name: "René Descartes", address: "a@x.org" },
    expected: "=?utf-8?Q?Ren=C3=A9_Descartes?= <a@x.org>",
  },
  {
    title: "non-ASCII with comma encoded (no quotes around encoded-words)",
    input: { name: "Müller, Jörg", address: "a@x.org" },
    expected: "=?utf-8?B?TcO8bGxlciwgSsO2cmc=?= <a@x.org>",
  },
  {
    title: "looks like an encoded-word",
    input: { name: "=?utf-8?Q?x?=", address: "a@x.org" },
    expected: "=?utf-8?B?PT91dGYtOD9RP3g/PQ==?= <a@x.org>",
  },
  {
    title: "UTF-8 raw",
    input: { name: "Jörg", address: "j@x.org" },
    utf8: true,
    expected: "Jörg <j@x.org>",
  },
  {
    title: "UTF-8 raw, quoted when needed",
    input: { name: "Müller, Jörg", address: "j@x.org" },
    utf8: true,
    expected: '"Müller, Jörg" <j@x.org>',
  },
];

Deno.test("formatMailAddress() formats the table and parseAddressList() reads it back", () => {
  for (const { title, input, utf8, expected } of FORMAT) {
    const formatted = formatMailAddress(input, { utf8 });
    assert.equal(formatted, expected, title);
    assert.deepEqual(parseAddressList(formatted), [input], title);
  }
  assert.throws(
    () => formatMailAddress({ name: "a\r\nb", address: "a@x.org" }),
    InvalidArgumentError,
  );
  assert.throws(() => formatMailAddress({ address: "a@x.org\r\nBcc: c@d" }), InvalidArgumentError);
});

Deno.test("parseAddressList() stays linear on colons and brackets", () => {
  const inputs = ["a@b" + ":".repeat(200_000), "<" + ":".repeat(200_000), "x@y ".repeat(50_000)];
  for (const input of inputs) assert.ok(Array.isArray(parseAddressList(input)));
});
