// Copyright 2026 the portline authors. MIT license.
// The whole-message conveniences read the body straight from the core
// reader (no stream): byte-exact at every packet split, progress, and a
// close mid-body ends the session.
import assert from "../_assert.ts";
import { ConnectionClosedError, memoryConn } from "../../protocols/_core/mod.ts";
import { Pop3Client, type Pop3Progress } from "../../protocols/pop3/mod.ts";
import { decoder, encoder } from "./_helpers.ts";

const BODY_1 = "Subject: one\r\n\r\n.starts with a dot\r\n..two\r\nmid.dle\r\n.\r\nend\r\n";
const BODY_2 = "Subject: two\r\n\r\nb\u00e9\r\n";

function stuff(body: string): string {
  return body.replace(/(^|\n)\./g, "$1..") + ".\r\n";
}

/** The server's side of a session, as one byte string to cut anywhere. */
const SCRIPT = [
  "+OK ready\r\n",
  "+OK\r\nUSER\r\nTOP\r\nPIPELINING\r\n.\r\n", // CAPA
  "+OK\r\n", // USER
  "+OK in\r\n", // PASS
  "+OK\r\nTOP\r\nPIPELINING\r\n.\r\n", // CAPA after login
  `+OK ${BODY_1.length} octets\r\n${stuff(BODY_1)}`, // RETR 1 (retrieveBytes)
  `+OK\r\n${stuff(BODY_2)}`, // RETR 2 (retrieveText)
  `+OK\r\n${stuff("Subject: one\r\n\r\n")}`, // TOP 1 0
  `+OK ${BODY_1.length} octets\r\n${stuff(BODY_1)}`, // RETR 1 (retrieveMany)
  "-ERR no such message\r\n", // RETR 9
  `+OK\r\n${stuff(BODY_2)}`, // RETR 2
  "+OK bye\r\n", // QUIT
].join("");

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) {
    out.push(bytes.subarray(i, i + size));
  }
  return out;
}

Deno.test("Pop3Client whole-message reads are byte-exact at every packet split", async () => {
  const wire = encoder.encode(SCRIPT);
  for (const size of [1, 2, 3, 5, 8, 13, 64, 200, wire.byteLength]) {
    const conn = memoryConn(chunked(wire, size));
    const client = await Pop3Client.fromConn(conn, {
      hostname: "memory",
      auth: { username: "ann", password: "pw", method: "user" },
    });
    const label = `chunk size ${size}`;
    const progress: Pop3Progress[] = [];
    const bytes = await client.retrieveBytes(1, {
      onProgress: (p) => progress.push(p),
    });
    assert.equal(decoder.decode(bytes), BODY_1, label);
    assert.deepEqual(progress.at(-1), {
      bytes: BODY_1.length,
      total: BODY_1.length,
    }, label);
    assert.equal(await client.retrieveText(2), BODY_2, label);
    assert.equal(
      decoder.decode(await client.topBytes(1, 0)),
      "Subject: one\r\n\r\n",
      label,
    );
    const got: string[] = [];
    await assert.rejects(async () => {
      for await (const { id, bytes } of client.retrieveMany([1, 9, 2])) {
        got.push(`${id}:${decoder.decode(bytes)}`);
      }
    }, /no such message/);
    assert.deepEqual(got, [`1:${BODY_1}`, `2:${BODY_2}`], label);
    await client.close();
    assert.equal(
      conn.writtenText(),
      "CAPA\r\nUSER ann\r\nPASS pw\r\nCAPA\r\nRETR 1\r\nRETR 2\r\nTOP 1 0\r\n" +
        "RETR 1\r\nRETR 9\r\nRETR 2\r\nQUIT\r\n",
      label,
    );
  }
});

Deno.test("Pop3Client.retrieveBytes() of a body larger than the read buffer", async () => {
  let body = "";
  for (let i = 0; i < 30_000; i++) {
    body += (i % 7 === 0 ? "." : "") + `row ${i}\r\n`;
  }
  const conn = memoryConn(chunked(
    encoder.encode(
      "+OK ready\r\n-ERR no CAPA\r\n+OK\r\n+OK\r\n" +
        `+OK\r\n${stuff(body)}+OK\r\n`,
    ),
    50_000,
  ));
  const client = await Pop3Client.fromConn(conn, {
    hostname: "memory",
    auth: { username: "ann", password: "pw", method: "user" },
  });
  assert.equal(decoder.decode(await client.retrieveBytes(1)), body);
  await client.noop();
  client.destroy();
});

Deno.test("Pop3Client.retrieveBytes() fails and ends the session on a close mid-body", async () => {
  const conn = memoryConn([
    "+OK ready\r\n-ERR no CAPA\r\n+OK\r\n+OK\r\n",
    "+OK\r\nhalf a mess",
  ]);
  const client = await Pop3Client.fromConn(conn, {
    hostname: "memory",
    auth: { username: "ann", password: "pw", method: "user" },
  });
  await assert.rejects(client.retrieveBytes(1), ConnectionClosedError);
  assert.equal(client.state, "closed");
  await client.close();
});
