// Copyright 2026 the portline authors. MIT license.
// The standard Response httpFetch builds: from bytes when the body came whole
// with the head, from a byte stream otherwise; url, redirected, clone().
import assert from "../_assert.ts";
import { HttpAgent, httpFetch, HttpTestServer } from "../../protocols/http/mod.ts";

Deno.test("httpFetch() builds small responses from bytes, with url, redirected and headers", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/small", () => ({
    body: "tiny",
    headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["X-Dup", "1"], ["X-Dup", "2"]],
  }));
  server.route("GET", "/go", () => HttpTestServer.redirect(302, "/small"));
  await using agent = new HttpAgent({ proxy: null });
  const direct = await httpFetch(`${server.url}small#frag`, { agent });
  assert.ok(direct instanceof Response);
  assert.equal(direct.status, 200);
  assert.equal(direct.statusText, "OK");
  assert.equal(direct.url, `${server.url}small`);
  assert.equal(direct.redirected, false);
  assert.deepEqual(direct.headers.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(direct.headers.get("x-dup"), "1, 2");
  assert.equal(direct.headers.get("content-length"), "4");
  assert.equal(await direct.text(), "tiny");

  const moved = await httpFetch(`${server.url}go`, { agent });
  assert.equal(moved.redirected, true);
  assert.equal(moved.url, `${server.url}small`);
  const copy = moved.clone();
  assert.equal(copy.url, `${server.url}small`);
  assert.equal(copy.redirected, true);
  assert.equal(copy.headers.get("x-dup"), "1, 2");
  assert.equal(await copy.text(), "tiny");
  assert.equal(await moved.text(), "tiny");
  assert.equal(agent.stats.connections, 1);
});

Deno.test("httpFetch() streams large responses and leaves the caller's URL alone", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/big", () => ({ body: "y".repeat(300_000) }));
  server.route("GET", "/auth", (req) => ({ body: req.header("authorization") ?? "none" }));
  await using agent = new HttpAgent({ proxy: null });
  const response = await httpFetch(`${server.url}big`, { agent });
  // A body that did not come whole is this client's byte stream: BYOB works.
  const reader = response.body!.getReader({ mode: "byob" });
  let buffer = new Uint8Array(1 << 16);
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read(buffer);
    buffer = new Uint8Array(value!.buffer);
    if (done) break;
    total += value.byteLength;
  }
  assert.equal(total, 300_000);
  const url = new URL(`${server.url}auth`);
  url.username = "u";
  url.password = "p";
  const href = url.href;
  assert.equal(await (await httpFetch(url, { agent })).text(), "none");
  assert.equal(url.href, href);
});
