// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { ConnectionClosedError, TimeoutError, TlsError } from "../../protocols/_core/mod.ts";
import { guardBody, hint } from "../../protocols/pop3/_body.ts";

function slowSource(chunks: string[]) {
  let reads = 0;
  let concurrent = 0;
  let overlap = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      concurrent++;
      if (concurrent > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 5));
      concurrent--;
      const next = chunks[reads++];
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
    async cancel() {
      concurrent++;
      if (concurrent > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 5));
      concurrent--;
    },
  }, { highWaterMark: 0 });
  return { reader: stream.getReader(), overlap: () => overlap };
}

Deno.test("guardBody() never cancels the inner reader during a read", async () => {
  const source = slowSource(["a", "b", "c"]);
  const { stream } = guardBody(source.reader, "RETR 1");
  const reader = stream.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "a");
  const pending = reader.read();
  await reader.cancel();
  await pending;
  assert.equal(source.overlap(), false);
});

Deno.test("guardBody() abandon() errors the outer stream instead of ending it", async () => {
  const source = slowSource(["a", "b", "c"]);
  const { stream, abandon } = guardBody(source.reader, "RETR 1");
  const reader = stream.getReader();
  await reader.read();
  const pending = assert.rejects(reader.read(), ConnectionClosedError);
  await abandon();
  await pending;
  assert.equal(source.overlap(), false);
});

Deno.test("hint() explains swapped TLS and plain ports", () => {
  const tls = hint(new TlsError("Cannot complete the TLS handshake"), 110, "implicit") as Error;
  assert.match(tls.message, /port 110 speaks plain POP3: use tls: "starttls"/);
  const timeout = hint(new TimeoutError("Cannot read"), 995, "starttls") as Error;
  assert.ok(timeout instanceof TimeoutError);
  assert.match(timeout.message, /use tls: "implicit"/);
  const other = new TimeoutError("x");
  assert.equal(hint(other, 110, "opportunistic"), other);
  assert.equal(hint("nope", 995, "none"), "nope");
});
