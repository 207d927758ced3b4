// Copyright 2026 the portline authors. MIT license.
// dotBlock() searches for dots only in the buffered bytes: stale bytes left
// in the reused buffer by an earlier, longer block must never be looked at.
import assert from "../_assert.ts";
import { BufferedReader, memoryConn } from "../../protocols/_core/mod.ts";

Deno.test("BufferedReader.dotBlock() ignores stale dots after the buffered bytes", async () => {
  const long = "line\r\n.\r\n".repeat(1) + "x".repeat(5000) + "\r\n.\r\n";
  const reader = new BufferedReader(
    memoryConn([long, "short\r\n", "tail\r\n.\r\n", "..\r\n.\r\n"]),
    { bufferSize: 8192 },
  );
  const text = async () => await new Response(reader.dotBlock()).text();
  assert.equal(await text(), "line\r\n");
  assert.equal(await text(), "x".repeat(5000) + "\r\n");
  assert.equal(await text(), "short\r\ntail\r\n");
  assert.equal(await text(), ".\r\n");
});

/** The reference: unstuff line by line. */
function unstuff(wire: string): string {
  const lines = wire.split("\r\n");
  const out: string[] = [];
  for (const line of lines) {
    if (line === ".") break;
    out.push(line.startsWith(".") ? line.slice(1) : line);
  }
  return out.join("\r\n") + "\r\n";
}

Deno.test("BufferedReader.dotBlock() finds dots at every alignment and split", async () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 40; round++) {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      let line = "";
      const length = Math.floor(random() * 12);
      for (let k = 0; k < length; k++) line += random() < 0.3 ? "." : "ab"[k % 2];
      if (line === "" && random() < 0.5) line = "x";
      lines.push(line.startsWith(".") ? "." + line : line);
    }
    const wire = lines.join("\r\n") + "\r\n.\r\n";
    const cut = 1 + Math.floor(random() * (wire.length - 1));
    const reader = new BufferedReader(
      memoryConn([wire.slice(0, cut), wire.slice(cut), "NEXT\r\n"]),
    );
    assert.equal(await new Response(reader.dotBlock()).text(), unstuff(wire), `round ${round}`);
    assert.equal(await reader.readLine(), "NEXT");
  }
});
