// Copyright 2026 the portline authors. MIT license.
// Shared test fixtures: an in-process server over a seeded store, a
// connection wrapper that records what arrives per read, and a scripted
// one-connection fake server for misbehaviour the real server never shows.
import {
  BufferedReader,
  type Conn,
  listen,
  type TranscriptEntry,
} from "../../protocols/_core/mod.ts";
import { MemoryMailStore } from "../../protocols/mail/store.ts";
import {
  Pop3Client,
  type Pop3ConnectOptions,
  Pop3Server,
  type Pop3ServerOptions,
} from "../../protocols/pop3/mod.ts";
import { CA_CERT } from "../_tls.ts";

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

export const ACCOUNTS = { ann: "pw", bob: "hunter2" };

export const MESSAGES = [
  "From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n",
  "From: b@example.org\r\nSubject: two\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n",
  "From: c@example.org\r\nSubject: three\r\n\r\nline 1\r\nline 2\r\nline 3\r\n",
];

/** A store with MESSAGES in ann's mailbox. */
export async function seededStore(messages = MESSAGES): Promise<MemoryMailStore> {
  const store = new MemoryMailStore();
  for (const message of messages) await store.deliver("ann", encoder.encode(message));
  return store;
}

/** A listening server over a seeded store. */
export async function startServer(
  options: Partial<Pop3ServerOptions> = {},
): Promise<{ server: Pop3Server; store: MemoryMailStore } & AsyncDisposable> {
  const store = (options.store as MemoryMailStore | undefined) ?? await seededStore();
  const server = await Pop3Server.listen({ accounts: ACCOUNTS, ...options, store });
  return { server, store, [Symbol.asyncDispose]: () => server.close() };
}

/** Connects to a test server as ann (unless `auth` says otherwise). */
export function connectTo(
  server: Pop3Server,
  options: Partial<Pop3ConnectOptions> = {},
): Promise<Pop3Client> {
  return Pop3Client.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
    tls: { caCerts: [CA_CERT] },
    auth: { username: "ann", password: "pw" },
    timeoutMs: 5000,
    ...options,
  });
}

/** A transcript collector. */
export function transcript(): { lines: string[]; onTranscript: (e: TranscriptEntry) => void } {
  const lines: string[] = [];
  return {
    lines,
    onTranscript: (e) => lines.push(`${e.direction === "send" ? "C" : "S"}: ${e.line}`),
  };
}

/** Wraps a connection, recording the text of each read. */
export function recordingConn(conn: Conn, reads: string[]): Conn {
  return {
    read: async (buffer) => {
      const n = await conn.read(buffer);
      if (n !== null) reads.push(decoder.decode(buffer.subarray(0, n)));
      return n;
    },
    write: (data) => conn.write(data),
    closeWrite: () => conn.closeWrite(),
    close: () => conn.close(),
    get localAddr() {
      return conn.localAddr;
    },
    get remoteAddr() {
      return conn.remoteAddr;
    },
    get secure() {
      return conn.secure;
    },
  };
}

/**
 * A Pop3Server fed through our own listener, recording what arrives per
 * read on the server side (to see pipelined commands land in one read).
 */
export async function recordingServer(
  options: Partial<Pop3ServerOptions> = {},
): Promise<{
  port: number;
  reads: string[];
  store: MemoryMailStore;
  close: () => Promise<void>;
}> {
  const store = (options.store as MemoryMailStore | undefined) ?? await seededStore();
  const server = new Pop3Server({ accounts: ACCOUNTS, ...options, store });
  const listener = await listen({ port: 0 });
  const reads: string[] = [];
  const accepting = (async () => {
    for await (const conn of listener) server.serve(recordingConn(conn, reads));
  })();
  return {
    port: listener.addr.port,
    reads,
    store,
    close: async () => {
      listener.close();
      await accepting;
      await server.close();
    },
  };
}

/** What a scripted fake server can do with its one connection. */
export interface ScriptIo {
  conn: Conn;
  reader: BufferedReader;
  /** Writes text as is (include the CRLFs). */
  send(text: string): Promise<void>;
  /** Reads a line and checks it. */
  expect(line: string): Promise<void>;
  /** Reads a line. */
  line(): Promise<string>;
}

/** A one-connection server running `script`; `done` rejects if the script fails. */
export async function scripted(
  script: (io: ScriptIo) => Promise<void>,
): Promise<{ port: number; done: Promise<void>; reads: string[] }> {
  const listener = await listen({ port: 0 });
  const reads: string[] = [];
  const done = (async () => {
    const accepted = await listener.accept();
    listener.close();
    if (!accepted) return;
    const conn = recordingConn(accepted, reads);
    const reader = new BufferedReader(conn);
    const io: ScriptIo = {
      conn,
      reader,
      send: (text) => conn.write(encoder.encode(text)),
      expect: async (line) => {
        const got = await reader.readLine();
        if (got !== line) {
          throw new Error(`Expected ${JSON.stringify(line)}, got ${JSON.stringify(got)}`);
        }
      },
      line: () => reader.readLine(),
    };
    try {
      await script(io);
    } finally {
      conn.close();
    }
  })();
  return { port: listener.addr.port, done, reads };
}

/** Reads a stream whole. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}
