// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  chooseSaslMechanism,
  createSaslMechanism,
  SASL_SERVER_MECHANISMS,
  type SaslCredentials,
  SaslServerExchange,
  type SaslServerStep,
} from "../../protocols/_core/mod.ts";

const accounts = {
  password: (user: string) => (user === "ann" ? "pa,ss=wörd" : undefined),
  verifyToken: (user: string, token: string) => user === "ann" && token === "tok",
};

/** Runs a client mechanism against the server side, as a protocol would. */
function exchange(name: string, credentials: SaslCredentials): SaslServerStep {
  const client = createSaslMechanism(name, credentials, { host: "mail.test", port: 25 });
  const server = new SaslServerExchange(name, accounts);
  let step = server.start(client.initialResponse());
  for (let i = 0; step.kind === "challenge" && i < 5; i++) {
    step = server.respond(client.respond(step.data));
  }
  if (step.kind === "success") client.verifyFinal(step.data);
  return step;
}

for (const name of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
  Deno.test(`SASL ${name} authenticates against the server side and fails on a wrong password`, () => {
    const ok = exchange(name, { username: "ann", password: "pa,ss=wörd" });
    assert.equal(ok.kind, "success");
    assert.equal(ok.kind === "success" && ok.username, "ann");
    assert.equal(exchange(name, { username: "ann", password: "wrong" }).kind, "failure");
  });
}

for (const name of ["XOAUTH2", "OAUTHBEARER"]) {
  Deno.test(`SASL ${name} authenticates with a token and ends a failure with an acknowledgement`, () => {
    assert.equal(exchange(name, { username: "ann", accessToken: "tok" }).kind, "success");
    assert.equal(exchange(name, { username: "ann", accessToken: "bad" }).kind, "failure");
  });
}

Deno.test("SCRAM client rejects a server that cannot prove the password", () => {
  const client = createSaslMechanism("SCRAM-SHA-256", { username: "ann", password: "pa,ss=wörd" });
  const server = new SaslServerExchange("SCRAM-SHA-256", accounts);
  const first = server.start(client.initialResponse());
  assert.equal(first.kind, "challenge");
  const final = server.respond(client.respond((first as { data: Uint8Array }).data));
  assert.equal(final.kind, "success");
  const forged = new TextEncoder().encode("v=" + btoa("x".repeat(32)));
  assert.throws(() => client.verifyFinal(forged), AuthenticationError);
  assert.throws(() => client.verifyFinal(undefined), AuthenticationError);
});

Deno.test("chooseSaslMechanism() picks the strongest offered mechanism", () => {
  const password = { username: "u", password: "p" };
  assert.equal(chooseSaslMechanism(["LOGIN", "PLAIN"], password), "PLAIN");
  assert.equal(chooseSaslMechanism(["plain", "cram-md5"], password), "CRAM-MD5");
  assert.equal(chooseSaslMechanism(SASL_SERVER_MECHANISMS, password), "SCRAM-SHA-256");
  assert.equal(
    chooseSaslMechanism(["PLAIN", "XOAUTH2"], { username: "u", accessToken: "t" }),
    "XOAUTH2",
  );
  assert.equal(chooseSaslMechanism(["PLAIN", "LOGIN"], password, "login"), "LOGIN");
  assert.throws(() => chooseSaslMechanism(["GSSAPI"], password), AuthenticationError);
  assert.throws(() => chooseSaslMechanism(["PLAIN"], password, "CRAM-MD5"), AuthenticationError);
  assert.throws(() => createSaslMechanism("PLAIN", { username: "u" }), AuthenticationError);
});
