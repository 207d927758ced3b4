// Copyright 2026 the portline authors. MIT license.
// What a well-formed control stream of the in-process server looks like,
// checked by the server fuzz and regression tests.
import assert from "../_assert.ts";

/** Checks `raw` (the whole control stream) is a sequence of well-formed replies. */
export function checkReplies(raw: string, where: string): string[] {
  const replies: string[] = [];
  const lines = raw.split("\r\n");
  const tail = lines.pop()!;
  let open: string | undefined;
  for (const line of lines) {
    const fail = (what: string) =>
      assert.fail(`${where}: ${what}: ${JSON.stringify(line.slice(0, 200))}`);
    if (/[\r\n\0]/.test(line)) fail("CR, LF or NUL inside a reply line");
    if (open !== undefined) {
      if (line.startsWith(`${open} `)) open = undefined;
      continue;
    }
    const match = /^([1-5]\d\d)([ -])/.exec(line);
    if (!match) fail("not a reply line");
    if (/TypeError|RangeError|undefined|is not a function|\bat \w|ERR_/.test(line)) {
      fail("an internal error in a reply");
    }
    replies.push(line);
    if (match![2] === "-") open = match![1];
  }
  // The server closes after whole replies only.
  assert.equal(tail, "", `${where}: a partial reply line at the end`);
  assert.equal(open, undefined, `${where}: an unfinished multi-line reply`);
  return replies;
}
