// Copyright 2026 the portline authors. MIT license.
/**
 * The shared protocol core: transport, buffered reader, replies, writer,
 * sessions, SASL, SOCKS5 tunnels and errors. Every protocol module is built
 * on it; it is exported for users who write their own line protocols.
 *
 * @example A reply from an in-memory connection
 * ```ts
 * import { BufferedReader, memoryConn, readReply } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const reply = await readReply(new BufferedReader(memoryConn(["220 ready\r\n"])));
 * assert.equal(reply.code, 220);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./transport.ts";
export * from "./tls_mode.ts";
export * from "./deadline.ts";
export * from "./buffered_reader.ts";
export * from "./reply.ts";
export * from "./writer.ts";
export * from "./session.ts";
export * from "./serve.ts";
export * from "./sasl.ts";
export * from "./sasl_server.ts";
export * from "./memory_conn.ts";
export * from "./socks.ts";
