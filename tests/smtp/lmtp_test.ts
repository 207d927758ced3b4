// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import * as net from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { SocketConn } from "../../protocols/_core/socket_conn.ts";
import {
  LmtpClient,
  SmtpClient,
  SmtpRecipientsRefusedError,
  SmtpServer,
} from "../../protocols/smtp/mod.ts";
import { dec } from "./_helpers.ts";

const body = "Subject: l\r\n\r\nlocal delivery\r\n";

for (const chunking of [true, false]) {
  Deno.test(`LmtpClient gets one ${chunking ? "BDAT" : "DATA"} reply per recipient`, async () => {
    await using server = await SmtpServer.listen({
      lmtp: true,
      extensions: { chunking },
      hooks: {
        rcptTo: (to) => to.startsWith("unknown") ? "550 5.1.1 Unknown user" : undefined,
        message: (_tx, rcpt) => rcpt?.startsWith("full") ? "452 4.2.2 Mailbox full" : undefined,
      },
    });
    await using client = await LmtpClient.connect({ port: server.port });
    assert.equal(client.lmtp, true);
    const result = await client.sendMail({
      from: "ann@x.org",
      to: ["bob@x.org", "full@x.org", "unknown@x.org", "cy@x.org"],
      body,
    });
    assert.deepEqual(result.accepted, ["bob@x.org", "cy@x.org"]);
    assert.deepEqual(result.rejected.map((r) => [r.address, r.replyCode]), [
      ["unknown@x.org", 550],
      ["full@x.org", 452],
    ]);
    assert.deepEqual(server.transactions[0]!.to, ["bob@x.org", "cy@x.org"]);
    assert.equal(dec.decode((await server.store.list("cy@x.org"))[0]!.bytes), body);
    // Everyone refused after the data: an error, and the session goes on.
    const error = await client.sendMail({
      from: "a@x.org",
      to: ["full1@x.org", "full2@x.org"],
      body,
    })
      .catch((e) => e);
    assert.ok(error instanceof SmtpRecipientsRefusedError);
    assert.equal(error.rejected.length, 2);
    await client.sendMail({ from: "a@x.org", to: ["dee@x.org"], body });
  });
}

Deno.test("LmtpClient refuses to say EHLO to an LMTP server and vice versa", async () => {
  await using server = await SmtpServer.listen({ lmtp: true });
  await assert.rejects(SmtpClient.connect({ port: server.port, tls: "none" }));
  await using smtp = await SmtpServer.listen();
  await assert.rejects(LmtpClient.connect({ port: smtp.port }));
});

Deno.test("LmtpClient connects over a Unix socket", async () => {
  const dir = await mkdtemp(`${tmpdir()}/portline-lmtp-`);
  const path = `${dir}/lmtp.sock`;
  await using server = await SmtpServer.listen({ lmtp: true });
  const sockets = new Set<net.Socket>();
  const unix = net.createServer((socket) => {
    sockets.add(socket);
    server.handle(new SocketConn(socket)).finally(() => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => unix.listen(path, resolve));
  try {
    const client = await LmtpClient.connect({ path });
    const result = await client.sendMail({ from: "a@x.org", to: ["bob@x.org"], body });
    assert.deepEqual(result.accepted, ["bob@x.org"]);
    assert.equal(client.secure, false);
    await client.close();
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => unix.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});
