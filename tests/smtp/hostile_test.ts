// Copyright 2026 the portline authors. MIT license.
// SmtpClient against servers that misbehave: every case ends in a typed error
// (never a hang, never unbounded memory), and the client is closed when the
// reply stream can no longer be trusted.
import assert from "../_assert.ts";
import { ConnectionClosedError, LimitError, ProtocolError } from "../../protocols/_core/mod.ts";
import { SmtpClient } from "../../protocols/smtp/mod.ts";
import { EHLO_REPLY, rawServer } from "./_helpers.ts";

type Script = Parameters<typeof rawServer>[0];

async function withRaw(script: Script, fn: (port: number) => Promise<void>): Promise<void> {
  const server = await rawServer(script);
  try {
    await fn(server.port);
  } finally {
    await server.close();
  }
}

const connectOptions = (port: number) => ({
  port,
  tls: "none" as const,
  timeoutMs: 5000,
});

Deno.test("SmtpClient: a greeting without a reply code is a ProtocolError", async () => {
  await withRaw(async (_conn, reader, write) => {
    await write("HELLO THERE\r\n");
    await reader.readLineOrNull().catch(() => null);
  }, async (port) => {
    const error = await SmtpClient.connect(connectOptions(port)).catch((e) => e);
    assert.ok(error instanceof ProtocolError, String(error));
  });
});

Deno.test("SmtpClient: an endless multi-line EHLO reply is a LimitError", async () => {
  await withRaw(async (_conn, reader, write) => {
    await write("220 hostile.test\r\n");
    await reader.readLine();
    // 5,000 continuation lines and never a last one.
    await write("250-X\r\n".repeat(5000));
    await reader.readLineOrNull().catch(() => null);
  }, async (port) => {
    const error = await SmtpClient.connect(connectOptions(port)).catch((e) => e);
    assert.ok(error instanceof LimitError, String(error));
  });
});

Deno.test("SmtpClient: a reply line without an end is a LimitError", async () => {
  await withRaw(async (_conn, reader, write) => {
    await write("220 hostile.test\r\n");
    await reader.readLine();
    // 1 MiB and no CRLF: the reader must give up at its line limit.
    await write("250 " + "x".repeat(1024 * 1024));
    await reader.readLineOrNull().catch(() => null);
  }, async (port) => {
    const error = await SmtpClient.connect(connectOptions(port)).catch((e) => e);
    assert.ok(error instanceof LimitError, String(error));
  });
});

Deno.test("SmtpClient: garbage mid-session closes the client with a ProtocolError", async () => {
  await withRaw(async (_conn, reader, write) => {
    await write("220 hostile.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY);
    await reader.readLine(); // NOOP
    await write("ok, sure\r\n");
    await reader.readLineOrNull().catch(() => null);
  }, async (port) => {
    const client = await SmtpClient.connect(connectOptions(port));
    await assert.rejects(client.noop(), ProtocolError);
    // The reply stream is out of step: the client does not guess, it closes.
    assert.equal(client.closed, true);
    await assert.rejects(client.noop(), ConnectionClosedError);
  });
});

Deno.test("SmtpClient: a server hanging up mid-reply gives ConnectionClosedError", async () => {
  await withRaw(async (conn, reader, write) => {
    await write("220 hostile.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY);
    await reader.readLine(); // MAIL (pipelined with RCPT and DATA)
    await write("250-2.1.0 Ok\r\n250-still");
    conn.close();
  }, async (port) => {
    const client = await SmtpClient.connect(connectOptions(port));
    const error = await client.sendMail({
      from: "a@x.org",
      to: ["b@x.org"],
      body: "Subject: x\r\n\r\nx\r\n",
    }).catch((e) => e);
    assert.ok(error instanceof ConnectionClosedError, String(error));
    assert.equal(client.closed, true);
  });
});

Deno.test("SmtpClient: a refused command leaves the session usable", async () => {
  await withRaw(async (_conn, reader, write) => {
    await write("220 hostile.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY);
    for (;;) {
      const line = await reader.readLineOrNull();
      if (line === null) return;
      if (line.startsWith("VRFY")) await write("502 5.5.1 VRFY not here\r\n");
      else if (line === "NOOP") await write("250 2.0.0 Ok\r\n");
      else if (line === "QUIT") return await write("221 2.0.0 Bye\r\n");
      else await write("500 5.5.2 What?\r\n");
    }
  }, async (port) => {
    await using client = await SmtpClient.connect(connectOptions(port));
    const error = await client.vrfy("bob").catch((e) => e);
    assert.equal(error?.replyCode, 502);
    assert.equal(client.closed, false);
    await client.noop();
    assert.equal((await client.command("BOGUS")).code, 500);
    await client.noop();
  });
});
