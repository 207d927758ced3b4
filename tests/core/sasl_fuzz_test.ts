// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of SASL: the SCRAM server-first and server-final messages a
// client parses, the challenges of the other mechanisms, base64, and the
// server-side exchange fed hostile client messages. A malformed message is
// an AuthenticationError (or a documented SyntaxError for fromBase64), never
// a TypeError, RangeError or DOMException from inside.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  createSaslMechanism,
  fromBase64,
  SaslServerExchange,
  scramKeys,
  toBase64,
} from "../../protocols/_core/mod.ts";
import { createHmac } from "node:crypto";
import { fuzz, latin1Bytes } from "../_fuzz.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A SCRAM client after its first message, and the nonce it chose. */
function scramClient(name: "SCRAM-SHA-1" | "SCRAM-SHA-256", authzid?: string) {
  const mechanism = createSaslMechanism(name, { username: "ann", password: "pw", authzid });
  const first = dec.decode(mechanism.initialResponse()!);
  const nonce = /,r=([^,]*)$/.exec(first)![1]!;
  return { mechanism, first, nonce };
}

const SERVER_FIRST = [
  "r=NONCEsrv123,s=QSXCR+Q6sek8bf92,i=4",
  "r=NONCE%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=16",
  "m=ext,r=NONCEx,s=c2FsdA==,i=1",
  "r=NONCE,s=,i=2",
  "e=server-error",
];

Deno.test("SCRAM client fuzz: a malformed server-first message is an AuthenticationError", () => {
  let answered = 0;
  let i = 0;
  fuzz(
    "SCRAM server-first",
    { seed: 0x5c1, count: 600, samples: SERVER_FIRST, maxRandom: 60 },
    (input) => {
      const { mechanism, nonce } = scramClient(i++ % 2 ? "SCRAM-SHA-1" : "SCRAM-SHA-256");
      // Cap the work a mutated iteration count may ask for (the client allows 10^6).
      const serverFirst = input.replaceAll("NONCE", nonce).replace(/i=(\d{4,})/, "i=$1x");
      const response = dec.decode(mechanism.respond(latin1Bytes(serverFirst)));
      answered++;
      assert.match(response, /^c=biws,r=[^,]*,p=[A-Za-z0-9+/=]+$/);
      assert.ok(response.includes(`r=${nonce}`));
    },
  );
  assert.ok(answered > 40, `${answered} answered`);
});

/** The server signature a server with `password` would send after `clientFinal`. */
function serverSignature(
  hash: "sha1" | "sha256",
  clientFirst: string,
  serverFirst: string,
  clientFinal: string,
): string {
  const salt = fromBase64("c2FsdA==");
  const keys = scramKeys(hash, "pw", salt, 2);
  const bare = clientFirst.slice(clientFirst.indexOf(",", clientFirst.indexOf(",") + 1) + 1);
  const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(",p="));
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  return toBase64(createHmac(hash, keys.serverKey).update(authMessage).digest());
}

const SERVER_FINAL = ["v=SIG", "v=SIG,x=more", "e=invalid-proof", "", "v=", "v=SIG=="];

Deno.test("SCRAM client fuzz: only the right server signature verifies", () => {
  let verified = 0;
  let i = 0;
  fuzz(
    "SCRAM server-final",
    { seed: 0x5c2, count: 600, samples: SERVER_FINAL, maxRandom: 60 },
    (input) => {
      const sha1 = i++ % 2 === 0;
      const { mechanism, first, nonce } = scramClient(sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256");
      const serverFirst = `r=${nonce}srv,s=c2FsdA==,i=2`;
      const clientFinal = dec.decode(mechanism.respond(enc.encode(serverFirst)));
      const signature = serverSignature(sha1 ? "sha1" : "sha256", first, serverFirst, clientFinal);
      const serverFinal = input.replaceAll("SIG", signature);
      // Some protocols hand the final message over as a challenge, others with the success.
      if (i % 3 === 0) mechanism.respond(latin1Bytes(serverFinal));
      else mechanism.verifyFinal(latin1Bytes(serverFinal));
      verified++;
      assert.ok(fromBase64(/(?:^|,)v=([^,]*)/.exec(serverFinal)![1]!).byteLength > 0);
      assert.equal(
        toBase64(fromBase64(/(?:^|,)v=([^,]*)/.exec(serverFinal)![1]!)),
        signature,
        serverFinal,
      );
    },
  );
  assert.ok(verified > 15, `${verified} verified`);
});

Deno.test("SASL mechanisms fuzz: any challenge gets an answer or an AuthenticationError", () => {
  const names = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"];
  let i = 0;
  fuzz(
    "SASL challenges",
    { seed: 0x5c3, count: 500, samples: ["Username:", "PDEyMzQ1QGhvc3Q+", '{"status":"401"}'] },
    (input) => {
      const name = names[i++ % names.length]!;
      const mechanism = createSaslMechanism(name, {
        username: "ann",
        password: "pw",
        accessToken: "tok",
      });
      if (i % 2) mechanism.initialResponse();
      assert.ok(mechanism.respond(latin1Bytes(input)) instanceof Uint8Array);
      mechanism.verifyFinal(latin1Bytes(input));
    },
  );
});

Deno.test("fromBase64() fuzz: bytes or a SyntaxError, and toBase64() round-trips", () => {
  fuzz(
    "fromBase64",
    {
      seed: 0x5c4,
      count: 1000,
      samples: ["aGVsbG8=", "UGFzc3dvcmQ6", "dXNlcm5hbWU6\r\n", "=", "YQ"],
      allowed: [SyntaxError],
    },
    (input) => {
      const bytes = fromBase64(input);
      assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
    },
  );
});

Deno.test("SaslServerExchange fuzz: hostile client messages end in a step, never a throw", () => {
  const accounts = { password: (user: string) => (user === "ann" ? "pw" : undefined) };
  const mechanisms = ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2"];
  let i = 0;
  // One message per line: the initial response, then the answers to challenges.
  const samples = [
    "n,,n=ann,r=abc\nc=biws,r=abcSERVER,p=dGhpcyBpcyBub3QgYSBwcm9vZg==\n",
    "n,a=ann,n=ann,r=\nc=biws,r=SERVER,p=AAAA",
    "\0ann\0pw",
    "\nann\npw",
    "ann 0123456789abcdef0123456789abcdef",
    "user=ann\x01auth=Bearer tok\x01\x01\n",
  ];
  fuzz("SaslServerExchange", { seed: 0x5c5, count: 800, samples }, (input) => {
    const exchange = new SaslServerExchange(mechanisms[i++ % mechanisms.length]!, accounts);
    const [first = "", ...rest] = input.split("\n");
    let step = exchange.start(first === "" ? null : latin1Bytes(first));
    for (const message of rest) {
      if (step.kind !== "challenge") break;
      // A SCRAM client answers with the server's nonce.
      const nonce = /(?:^|,)r=([^,]*)/.exec(dec.decode(step.data))?.[1] ?? "";
      step = exchange.respond(latin1Bytes(message.replace("abcSERVER", nonce)));
    }
    assert.ok(["challenge", "success", "failure"].includes(step.kind));
  });
});

Deno.test("SCRAM client: an authzid outside latin1 is sent, not a DOMException", () => {
  const { mechanism, nonce } = scramClient("SCRAM-SHA-256", "ünïcødé 😀");
  const response = dec.decode(mechanism.respond(enc.encode(`r=${nonce}s,s=c2FsdA==,i=2`)));
  const channel = /^c=([^,]*),/.exec(response)![1]!;
  assert.equal(dec.decode(fromBase64(channel)), "n,a=ünïcødé 😀,");
});

Deno.test("SCRAM client: regressions found by fuzzing are AuthenticationErrors", () => {
  const cases = [
    // A fractional iteration count: node:crypto threw a RangeError.
    "r=NONCEx,s=c2FsdA==,i=1.5",
    // A salt that is not base64: fromBase64() threw a SyntaxError.
    "r=NONCEx,s=!!!!,i=1",
    // Not a decimal number (RFC 5802 posit-number).
    "r=NONCEx,s=c2FsdA==,i=0x10",
  ];
  for (const serverFirst of cases) {
    const { mechanism, nonce } = scramClient("SCRAM-SHA-256");
    assert.throws(
      () => mechanism.respond(enc.encode(serverFirst.replace("NONCE", nonce))),
      AuthenticationError,
      serverFirst,
    );
  }
  // A server signature that is not base64: a SyntaxError before.
  const { mechanism, nonce } = scramClient("SCRAM-SHA-256");
  mechanism.respond(enc.encode(`r=${nonce}x,s=c2FsdA==,i=1`));
  assert.throws(() => mechanism.verifyFinal(enc.encode("v=!!!")), AuthenticationError);
});

Deno.test("SaslServerExchange: a SCRAM proof that is not base64 is a failure step", () => {
  const accounts = { password: (user: string) => (user === "ann" ? "pw" : undefined) };
  const exchange = new SaslServerExchange("SCRAM-SHA-256", accounts);
  const first = exchange.start(enc.encode("n,,n=ann,r=abc"));
  assert.equal(first.kind, "challenge");
  const nonce = /r=([^,]*)/.exec(dec.decode((first as { data: Uint8Array }).data))![1];
  // Threw a SyntaxError out of the server session before.
  assert.equal(exchange.respond(enc.encode(`c=biws,r=${nonce},p=dG(pcy`)).kind, "failure");
});
