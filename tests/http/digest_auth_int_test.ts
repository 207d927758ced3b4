// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { createHash } from "node:crypto";
import {
  chooseHttpAuthChallenge,
  HttpAgent,
  httpFetch,
  HttpTestServer,
  parseHttpAuthChallenges,
} from "../../protocols/http/mod.ts";

/**
 * A server offering only `qop="auth-int"` (RFC 7616 §3.4.3), checking the
 * answer with the RFC's formula written out here, independently of the client.
 */
function authIntRoute(server: HttpTestServer, path: string) {
  const user = "Mufasa";
  const password = "Circle of Life";
  const realm = "auth-int@example.org";
  const nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
  const seen: { body: string; accepted: boolean }[] = [];
  server.route("*", path, (request) => {
    const header = request.header("authorization");
    if (header !== null) {
      const p = parseHttpAuthChallenges(header)[0]!.params;
      const ha1 = sha(`${user}:${realm}:${password}`);
      const ha2 = sha(`${request.method}:${p.uri}:${sha(request.body)}`);
      const expected = sha(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth-int:${ha2}`);
      const accepted = p.qop === "auth-int" && p.response === expected;
      seen.push({ body: request.text(), accepted });
      if (accepted) return { body: "in" };
    }
    return {
      status: 401,
      headers: {
        "WWW-Authenticate":
          `Digest realm="${realm}", qop="auth-int", algorithm=SHA-256, nonce="${nonce}"`,
      },
    };
  });
  return { credentials: { username: user, password }, seen };
}

Deno.test("httpFetch() answers a Digest challenge that offers only auth-int", async () => {
  await using server = await HttpTestServer.start();
  const { credentials, seen } = authIntRoute(server, "/int");
  await using agent = new HttpAgent({ proxy: null });
  const get = await httpFetch(`${server.url}int?x=1`, { agent, auth: credentials });
  assert.equal(get.status, 200);
  assert.equal(await get.text(), "in");
  const post = await httpFetch(`${server.url}int`, {
    agent,
    auth: credentials,
    method: "POST",
    body: "payload ü",
  });
  assert.equal(post.status, 200);
  assert.equal(await post.text(), "in");
  assert.deepEqual(seen, [{ body: "", accepted: true }, { body: "payload ü", accepted: true }]);
});

Deno.test("httpFetch() leaves an auth-int-only challenge unanswered for a streamed body", async () => {
  await using server = await HttpTestServer.start();
  const { credentials, seen } = authIntRoute(server, "/int");
  await using agent = new HttpAgent({ proxy: null });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("streamed"));
      controller.close();
    },
  });
  const response = await httpFetch(`${server.url}int`, {
    agent,
    auth: credentials,
    method: "PUT",
    body,
  });
  assert.equal(response.status, 401);
  await response.body?.cancel();
  assert.deepEqual(seen, []);
});

Deno.test("chooseHttpAuthChallenge() takes auth-int only when the body is known", () => {
  const challenges = parseHttpAuthChallenges(
    'Digest realm="r", qop="auth-int", nonce="n", algorithm=SHA-256',
  );
  assert.equal(chooseHttpAuthChallenge(challenges)?.scheme, "digest");
  assert.equal(chooseHttpAuthChallenge(challenges, false), undefined);
  const withBasic = parseHttpAuthChallenges(
    'Basic realm="r", Digest realm="r", qop="auth-int", nonce="n"',
  );
  assert.equal(chooseHttpAuthChallenge(withBasic, false)?.scheme, "basic");
});
