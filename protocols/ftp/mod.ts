// Copyright 2026 the portline authors. MIT license.
/**
 * FTP and FTPS: a streaming client ({@linkcode FtpClient}) with explicit and
 * implicit TLS, passive and active modes, resume, append, ABOR, MLSD and LIST
 * parsing, recursive helpers over parallel connections; and an in-process
 * server ({@linkcode FtpServer}) for tests and demos.
 *
 * @example Upload, list and download
 * ```ts
 * import { FtpClient, FtpServer } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * await using server = await FtpServer.start({ users: { alice: "secret" } });
 * await using client = await FtpClient.connect({
 *   hostname: "127.0.0.1",
 *   port: server.port,
 *   user: "alice",
 *   password: "secret",
 * });
 * await client.upload("hello.txt", "Hello, FTP");
 * const [entry] = await client.list();
 * assert.equal(entry?.name, "hello.txt");
 * assert.equal(await client.downloadText("hello.txt"), "Hello, FTP");
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./file_info.ts";
export * from "./replies.ts";
export * from "./mlsd.ts";
export * from "./list.ts";
export * from "./list_unix.ts";
export * from "./list_dos.ts";
export * from "./list_eplf.ts";
export * from "./ascii.ts";
export * from "./client.ts";
export * from "./tree.ts";
export * from "./server_fs.ts";
export * from "./server.ts";
// Core types and errors that appear in this module's API, re-exported so the API is complete.
export {
  AuthenticationError,
  ConnectError,
  ConnectionClosedError,
  LimitError,
  PortlineError,
  type PortlineErrorOptions,
  ProtocolError,
  ReplyError,
  type ReplyErrorOptions,
  SocksProxyError,
  type SocksProxyErrorOptions,
  TimeoutError,
  TlsError,
} from "../_core/errors.ts";
export { type BodySource, InvalidArgumentError } from "../_core/writer.ts";
export type { ClientCertificate, ServerTlsOptions, TlsOptions } from "../_core/transport.ts";
export type { TlsMode, TlsModeOptions, TlsSetting } from "../_core/tls_mode.ts";
export type { CallOptions, TranscriptEntry } from "../_core/session.ts";
export type { Reply } from "../_core/reply.ts";
