// Copyright 2026 the portline authors. MIT license.
/**
 * HTTP/1.1 client: {@linkcode httpFetch} (fetch-compatible, a standard
 * `Response` with a streaming body), {@linkcode HttpAgent} (keep-alive pool,
 * HTTP and SOCKS5 proxies, TLS), the low-level {@linkcode HttpConnection}, the pure parsers
 * behind them, and {@linkcode HttpTestServer} for tests.
 *
 * @example Fetch from the in-process test server
 * ```ts
 * import { HttpAgent, httpFetch, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/hello", () => ({ body: "hello", headers: { "Content-Type": "text/plain" } }));
 * await using agent = new HttpAgent({ proxy: null });
 * const response = await httpFetch(`${server.url}hello`, { agent });
 * assert.equal(response.headers.get("content-type"), "text/plain");
 * assert.equal(await response.text(), "hello");
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./parse.ts";
export * from "./request_head.ts";
export * from "./body.ts";
export * from "./multipart.ts";
export * from "./decompress.ts";
export * from "./auth.ts";
export * from "./proxy.ts";
export * from "./redirect.ts";
export * from "./response.ts";
export * from "./connection.ts";
export * from "./agent.ts";
export * from "./cookies.ts";
export * from "./fetch.ts";
export * from "./server.ts";
// Core types that appear in this module's API, re-exported so the API is complete.
export {
  ConnectionClosedError,
  LimitError,
  PortlineError,
  type PortlineErrorOptions,
  ProtocolError,
  SocksProxyError,
  type SocksProxyErrorOptions,
  TimeoutError,
} from "../_core/errors.ts";
export { InvalidArgumentError } from "../_core/writer.ts";
export type {
  ClientCertificate,
  Conn,
  NetAddress,
  ServerTlsOptions,
  TlsOptions,
} from "../_core/transport.ts";
