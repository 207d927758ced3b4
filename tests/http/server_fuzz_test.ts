// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of HttpTestServer's request parser: hostile requests
// get a well-formed 4xx (or an ordinary answer) or a closed connection,
// never a crash, and the server keeps serving.
import assert from "../_assert.ts";
import { fuzzAsync, isExpectedError, latin1, latin1Bytes } from "../_fuzz.ts";
import { connect } from "../../protocols/_core/mod.ts";
import { HttpTestServer } from "../../protocols/http/mod.ts";

/** Sends `request`, half-closes, and returns all the server answered (latin1). */
async function exchange(port: number, request: Uint8Array): Promise<string> {
  const conn = await connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(request);
    await conn.closeWrite();
    const buf = new Uint8Array(65536);
    let out = "";
    for (let n; (n = await conn.read(buf)) !== null;) out += latin1(buf.subarray(0, n));
    return out;
  } catch (error) {
    // The server may close with our bytes unread (a reset): no answer then.
    if (isExpectedError(error)) return "";
    throw error;
  } finally {
    conn.close();
  }
}

const REQUESTS = [
  "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
  "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
  "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
  "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
  "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello HTTP/1.1\r\nConnection: close\r\n\r\n",
  "GET http://127.0.0.1/hello HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
  `GET /hello HTTP/1.1\r\n${"X-Many: 1\r\n".repeat(99)}\r\n`,
];

Deno.test("HttpTestServer fuzz: hostile requests get well-formed answers or a close, never a crash", async () => {
  const errors: unknown[] = [];
  await using server = await HttpTestServer.start({
    maxBodyBytes: 4096,
    onError: (error) => errors.push(error),
  });
  server.route("GET", "/hello", () => ({ body: "hi" }));
  server.route("POST", "/echo", (req) => ({ body: req.body }));
  for (const request of REQUESTS.slice(0, 3)) {
    assert.match(await exchange(server.port, latin1Bytes(request)), /^HTTP\/1\.1 200 OK\r\n/);
  }
  let answered = 0;
  await fuzzAsync("server", { seed: 501, count: 300, samples: REQUESTS }, async (input) => {
    const answer = await exchange(server.port, latin1Bytes(input));
    if (answer === "") return;
    answered++;
    // Every answer is a sequence of status lines with a known code.
    assert.match(answer, /^HTTP\/1\.1 (100|200|400|404|413|431) /, JSON.stringify(input));
  });
  assert.ok(answered > 100, `${answered} answered`);
  // What ended a connection early was the client's doing, never a bug.
  for (const error of errors) assert.ok(isExpectedError(error), String((error as Error)?.stack));
  assert.match(await exchange(server.port, latin1Bytes(REQUESTS[0]!)), /^HTTP\/1\.1 200 OK/);
});
