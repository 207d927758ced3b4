// Copyright 2026 the portline authors. MIT license.
/**
 * "What your browser does": an HTTP GET by hand on a raw socket (the core's
 * `connect`), then the same request with `httpFetch`.
 *
 * Usage: deno run -A examples/http_get.ts [URL]
 * Without a URL it starts the in-process test server and fetches from it.
 *
 * @module
 */
import process from "node:process";
import { BufferedReader, connect } from "@portline/portline/core";
import { HttpAgent, httpFetch, HttpTestServer } from "@portline/portline/http";

const arg = Deno.args[0];
await using server = arg ? undefined : await HttpTestServer.start();
server?.route("GET", "/", () => ({
  body: "<!doctype html><title>hello</title><p>Hello from the test server</p>\n",
  headers: { "Content-Type": "text/html; charset=utf-8" },
}));
const url = new URL(arg ?? server!.url);
const secure = url.protocol === "https:";
const port = Number(url.port || (secure ? 443 : 80));

// 1. By hand: open a TCP (or TLS) connection, send the request line and
// headers, read the status line, headers and body the server sends back.
console.log(`--- raw socket to ${url.hostname}:${port} ---`);
const conn = await connect({ hostname: url.hostname, port, tls: secure });
const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\n` +
  `Host: ${url.host}\r\n` +
  "User-Agent: portline-example\r\n" +
  "Accept: */*\r\n" +
  "Connection: close\r\n" +
  "\r\n";
process.stdout.write(`> ${request.replaceAll("\r\n", "\n> ")}\n`);
await conn.write(new TextEncoder().encode(request));
const reader = new BufferedReader(conn);
for (;;) {
  const line = await reader.readLine();
  console.log(`< ${line}`);
  if (line === "") break;
}
const decoder = new TextDecoder();
let raw = "";
for (;;) {
  const chunk = await reader.readChunk();
  if (chunk === null) break;
  raw += decoder.decode(chunk, { stream: true });
}
console.log(`< ${raw.length > 300 ? `${raw.slice(0, 300)}…` : raw}`);
console.log(
  `(the body ends where the server closed the connection: we asked for Connection: close)`,
);
conn.close();

// 2. The same with the client: framing, keep-alive, redirects, decompression.
console.log(`\n--- httpFetch(${JSON.stringify(url.href)}) ---`);
await using agent = new HttpAgent();
const response = await httpFetch(url, { agent });
console.log(`${response.status} ${response.statusText}`);
response.headers.forEach((value, name) => console.log(`${name}: ${value}`));
const text = await response.text();
console.log(`\n${text.length > 500 ? `${text.slice(0, 500)}…` : text}`);
