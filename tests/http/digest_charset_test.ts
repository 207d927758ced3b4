// Copyright 2026 the portline authors. MIT license.
// Digest (RFC 7616) with text that is not ASCII: the realm is hashed as the
// bytes it came in, the user name and password as UTF-8, and a user name
// that cannot stand in a quoted string goes out as username* (RFC 8187).
import assert from "../_assert.ts";
import { createHash } from "node:crypto";
import {
  HttpAgent,
  httpDigestAuthorization,
  httpFetch,
  HttpTestServer,
  parseHttpAuthChallenges,
} from "../../protocols/http/mod.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const md5 = (...parts: Uint8Array[]) => {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

Deno.test("httpDigestAuthorization() hashes a realm's bytes as received and the user's text as UTF-8", () => {
  // The realm's byte 0xE9 (as header text: one character per byte).
  const realm = "r\u00e9alm";
  const [challenge] = parseHttpAuthChallenges(
    `Digest realm="${realm}", nonce="abc", qop="auth", algorithm=MD5`,
  );
  const value = httpDigestAuthorization(challenge!, {
    username: "J\u00e4s\u00f8n",
    password: "p\u00e4ss",
    method: "GET",
    uri: "/x",
    cnonce: "c0",
    nc: 1,
  });
  // The RFC's formula over explicit bytes, written out here.
  const ha1 = md5(
    utf8("J\u00e4s\u00f8n"),
    ascii(":"),
    new Uint8Array([0x72, 0xe9, 0x61, 0x6c, 0x6d]),
    ascii(":"),
    utf8("p\u00e4ss"),
  );
  const ha2 = md5(ascii("GET:/x"));
  const response = md5(ascii(`${ha1}:abc:00000001:c0:auth:${ha2}`));
  const params = parseHttpAuthChallenges(value)[0]!.params;
  assert.equal(params.response, response);
  assert.equal(params.realm, realm);
  // Not a quoted string: username* with the UTF-8 bytes percent-encoded.
  assert.match(value, /^Digest username\*=UTF-8''J%C3%A4s%C3%B8n, realm=/);
  assert.equal(params.username, undefined);
});

Deno.test("httpDigestAuthorization() with userhash hashes the UTF-8 user name (RFC 7616 §3.9.2 inputs)", () => {
  const [challenge] = parseHttpAuthChallenges(
    'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, ' +
      'nonce="5TsQWLVdgBdmrQ0XRxbDLGkZmfQ+kP+7IB0zzRqnP0DP", ' +
      'opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true',
  );
  const value = httpDigestAuthorization(challenge!, {
    username: "J\u00e4s\u00f8n Doe",
    password: "Secret, or not?",
    method: "GET",
    uri: "/doe.json",
    cnonce: "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
    nc: 1,
  });
  const params = parseHttpAuthChallenges(value)[0]!.params;
  // Computed independently with Python's hashlib (sha512_256) over the UTF-8
  // bytes; the RFC's printed values for this example are known errata.
  assert.equal(params.username, "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
  assert.equal(
    params.response,
    "b11efc43e362daf4317079edfaa4197af01c77584d6e6831af9120ab4376a543",
  );
  assert.equal(params.userhash, "true");
});

Deno.test("httpFetch() passes a Digest challenge with a Latin-1 realm and a UTF-8 user name", async () => {
  await using server = await HttpTestServer.start();
  const credentials = { username: "J\u00e4s\u00f8n", password: "p\u00e4ss \u2615" };
  server.route(
    "GET",
    "/cafe",
    HttpTestServer.digestAuth(credentials, () => ({ body: "in" }), {
      // Header text is one byte per character: a realm beyond Latin-1 cannot go out as it is.
      realm: "Caf\u00e9",
      algorithm: "SHA-256",
    }),
  );
  await using agent = new HttpAgent({ proxy: null });
  const response = await httpFetch(`${server.url}cafe`, { agent, auth: credentials });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "in");
  const wrong = await httpFetch(`${server.url}cafe`, {
    agent,
    auth: { ...credentials, password: "p\u00e4ss" },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
});
