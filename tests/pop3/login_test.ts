// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  choosePop3Login,
  Pop3Capabilities,
  type Pop3Credentials,
  type Pop3LoginPlan,
} from "../../protocols/pop3/mod.ts";
import { AuthenticationError } from "../../protocols/_core/mod.ts";

const FULL = Pop3Capabilities.parse([
  "USER",
  "SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2 OAUTHBEARER",
]);
const PLAIN_ONLY = Pop3Capabilities.parse(["USER", "SASL PLAIN"]);
const NONE = new Pop3Capabilities();
const PASSWORD = { username: "ann", password: "pw" };
const TOKEN = { username: "ann", accessToken: "tok" };

const CASES: {
  title: string;
  credentials: Pop3Credentials;
  capabilities: Pop3Capabilities;
  apop?: boolean;
  secure?: boolean;
  expected: Pop3LoginPlan;
}[] = [
  {
    title: "strongest SASL for a password",
    credentials: PASSWORD,
    capabilities: FULL,
    expected: { method: "sasl", mechanism: "SCRAM-SHA-256" },
  },
  {
    title: "OAUTHBEARER for a token",
    credentials: TOKEN,
    capabilities: FULL,
    expected: { method: "sasl", mechanism: "OAUTHBEARER" },
  },
  {
    title: "APOP over cleartext PLAIN on a plain connection",
    credentials: PASSWORD,
    capabilities: PLAIN_ONLY,
    apop: true,
    expected: { method: "apop" },
  },
  {
    title: "PLAIN over APOP on TLS",
    credentials: PASSWORD,
    capabilities: PLAIN_ONLY,
    apop: true,
    secure: true,
    expected: { method: "sasl", mechanism: "PLAIN" },
  },
  {
    title: "APOP without CAPA",
    credentials: PASSWORD,
    capabilities: NONE,
    apop: true,
    expected: { method: "apop" },
  },
  {
    title: "USER/PASS without CAPA or timestamp",
    credentials: PASSWORD,
    capabilities: NONE,
    expected: { method: "user" },
  },
  {
    title: "forced USER",
    credentials: { ...PASSWORD, method: "user" },
    capabilities: FULL,
    apop: true,
    expected: { method: "user" },
  },
  {
    title: "forced mechanism",
    credentials: { ...PASSWORD, mechanism: "cram-md5" },
    capabilities: FULL,
    expected: { method: "sasl", mechanism: "CRAM-MD5" },
  },
  {
    title: "forced mechanism without CAPA",
    credentials: { ...PASSWORD, mechanism: "plain" },
    capabilities: NONE,
    expected: { method: "sasl", mechanism: "PLAIN" },
  },
  {
    title: "forced sasl picks the strongest",
    credentials: { ...PASSWORD, method: "sasl" },
    capabilities: PLAIN_ONLY,
    apop: true,
    expected: { method: "sasl", mechanism: "PLAIN" },
  },
];

for (const c of CASES) {
  Deno.test(`choosePop3Login() picks ${c.title}`, () => {
    const plan = choosePop3Login(c.credentials, {
      capabilities: c.capabilities,
      apopTimestamp: c.apop ? "<1.2@host>" : undefined,
      secure: c.secure ?? false,
    });
    assert.deepEqual(plan, c.expected);
  });
}

Deno.test("choosePop3Login() refuses what cannot work", () => {
  const context = { capabilities: PLAIN_ONLY, secure: false };
  assert.throws(() => choosePop3Login(TOKEN, context), AuthenticationError);
  assert.throws(
    () => choosePop3Login({ ...PASSWORD, method: "apop" }, context),
    AuthenticationError,
  );
  assert.throws(
    () => choosePop3Login({ ...PASSWORD, mechanism: "SCRAM-SHA-1" }, context),
    AuthenticationError,
  );
  assert.throws(() => choosePop3Login({ username: "ann" }, context), AuthenticationError);
  assert.throws(
    () => choosePop3Login({ username: "ann", method: "user" }, context),
    AuthenticationError,
  );
});
