// Copyright 2026 the portline authors. MIT license.
// A tiny Node `http` server for the HTTP interop tests (second server beside
// nginx). Usage: node http_node_server.mjs PORT
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 18082);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  res.setHeader("X-Socket-Port", String(req.socket.remotePort));
  if (url.pathname === "/hello") {
    res.setHeader("Content-Type", "text/plain");
    res.end("hello from node\n");
  } else if (url.pathname === "/chunked") {
    // No Content-Length: Node sends Transfer-Encoding: chunked.
    res.setHeader("Content-Type", "text/plain");
    for (let i = 0; i < 10; i++) res.write(`line ${i}\n`);
    res.end();
  } else if (url.pathname === "/echo" && req.method === "POST") {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      res.setHeader("Content-Type", req.headers["content-type"] ?? "application/octet-stream");
      res.setHeader("X-Request-Transfer-Encoding", req.headers["transfer-encoding"] ?? "");
      res.end(body);
    });
  } else if (url.pathname === "/redirect") {
    res.writeHead(302, { Location: "/hello" });
    res.end();
  } else {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
  }
});
server.keepAliveTimeout = 30_000;
server.listen(port, "127.0.0.1");
