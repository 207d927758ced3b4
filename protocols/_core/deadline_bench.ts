// Copyright 2026 the portline authors. MIT license.
// The hot paths a deadline bounds: a read per line (BufferedReader with
// `deadline.timeoutMs`), a write per command (Session.write under the
// session's timeout) and a keep-alive HTTP exchange (head and body deadlines).
// Every wait finishes at once, so the rows measure the deadline's own cost.
// `deno task bench` runs it.
import { BufferedReader } from "./buffered_reader.ts";
import { memoryConn } from "./memory_conn.ts";
import { Session } from "./session.ts";
import { HttpConnection } from "../http/connection.ts";

const ROUNDS = 20_000;
const line = "250 2.0.0 Ok: queued as 4BcDeFgHiJ\r\n";
const lineChunks = Array.from({ length: ROUNDS }, () => line);
const response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const HTTP_ROUNDS = 2_000;
const responses = Array.from({ length: HTTP_ROUNDS }, () => response);
const command = new TextEncoder().encode("NOOP\r\n");

Deno.bench("BufferedReader.readLine(), one read each, 30 s deadline", {
  group: "deadline",
  baseline: true,
  n: 20,
  warmup: 3,
}, async () => {
  const reader = new BufferedReader(memoryConn(lineChunks));
  reader.deadline = { timeoutMs: 30_000 };
  for (let i = 0; i < ROUNDS; i++) await reader.readLine();
});

Deno.bench("Session.write(), 30 s deadline", { group: "deadline", n: 20, warmup: 3 }, async () => {
  const session = new Session(memoryConn([]), "memory", { timeoutMs: 30_000 });
  for (let i = 0; i < ROUNDS; i++) await session.write(command);
});

Deno.bench(
  "HttpConnection keep-alive request + body, default deadlines",
  { group: "http", n: 20, warmup: 3 },
  async () => {
    const http = new HttpConnection(memoryConn(responses), { host: "memory" });
    for (let i = 0; i < HTTP_ROUNDS; i++) await (await http.request()).bytes();
    http.close();
  },
);
