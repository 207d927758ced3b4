// Copyright 2026 the portline authors. MIT license.
// portline/http from an installed tarball: httpFetch against the in-process
// test server (gzip body decoded on Node 20, which lacks brotli streams), a
// Buffer request body, keep-alive reuse, and a CommonJS agent.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { HttpAgent, httpFetch, HttpTestServer } from "portline/http";

const require = createRequire(import.meta.url);
const cjs = require("portline/http");

const server = await HttpTestServer.start();
server.route("GET", "/text", () => ({ body: "hello from portline ".repeat(100), encoding: "gzip" }));
server.route("POST", "/echo", (req) => ({ body: req.text().toUpperCase() }));
const agent = new HttpAgent({ proxy: null });
try {
  const text = await httpFetch(`${server.url}text`, { agent });
  assert.equal(text.status, 200);
  assert.equal((await text.text()).length, 2000);
  const echo = await httpFetch(`${server.url}echo`, {
    method: "POST",
    body: Buffer.from("node buffer"),
    agent,
  });
  assert.equal(await echo.text(), "NODE BUFFER");
  const cjsAgent = new cjs.HttpAgent({ proxy: null });
  const viaCjs = await cjs.httpFetch(`${server.url}echo`, { method: "POST", body: "x", agent: cjsAgent });
  assert.equal(await viaCjs.text(), "X");
  await cjsAgent.close();
} finally {
  await agent.close();
  await server.close();
}
console.log("ok http: gzip decoded, Buffer body, CommonJS agent");
