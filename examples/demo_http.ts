// Copyright 2026 the portline authors. MIT license.
/**
 * The HTTP step of `deno task demo`: the in-process test server, a few
 * requests through one keep-alive agent (JSON, a redirect, gzip, a Digest
 * challenge, a multipart upload), and what happened.
 *
 * @module
 */
import { HttpAgent, HttpTestServer } from "@portline/portline/http";

/** Runs the HTTP demo against an in-process server and prints a few lines. */
export async function demoHttp(): Promise<void> {
  await using server = await HttpTestServer.start();
  server.route("GET", "/api/hello", (req) => ({
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ hello: "world", connection: req.connectionId }),
  }));
  server.route("GET", "/old", () => HttpTestServer.redirect(301, "/text"));
  server.route("GET", "/text", () => ({ body: "squeezed ".repeat(500), encoding: "gzip" }));
  server.route(
    "GET",
    "/private",
    HttpTestServer.digestAuth({ username: "ann", password: "secret" }, () => ({
      body: "digest ok",
    }), { algorithm: "SHA-256" }),
  );
  server.route("POST", "/upload", (req) => ({
    body: `got ${req.body.byteLength} bytes as ${req.header("content-type")?.split(";")[0]}`,
  }));
  console.log(`http: in-process server on ${server.origin}`);
  await using agent = new HttpAgent({ proxy: null });

  const json = await (await agent.fetch(`${server.url}api/hello`)).json();
  console.log(`http: GET /api/hello -> ${JSON.stringify(json)}`);
  const moved = await agent.fetch(`${server.url}old`);
  const text = await moved.text();
  console.log(
    `http: GET /old -> ${moved.status} from ${
      new URL(moved.url).pathname
    } (redirected: ${moved.redirected}), ` +
      `${moved.headers.get("content-encoding")} body decoded to ${text.length} chars`,
  );
  const secret = await agent.fetch(`${server.url}private`, {
    auth: { username: "ann", password: "secret" },
  });
  console.log(`http: GET /private with Digest SHA-256 -> ${secret.status} ${await secret.text()}`);
  const form = new FormData();
  form.append("note", "hello");
  form.append("file", new File(["a,b\n1,2\n"], "data.csv", { type: "text/csv" }));
  const upload = await agent.fetch(`${server.url}upload`, { method: "POST", body: form });
  console.log(`http: POST /upload (multipart) -> ${await upload.text()}`);
  const { connections, requests, reused } = agent.stats;
  console.log(
    `http: ${requests} requests over ${connections} TCP connection(s), ${reused} reused (server saw ${server.connectionCount})`,
  );
}

if (import.meta.main) await demoHttp();
