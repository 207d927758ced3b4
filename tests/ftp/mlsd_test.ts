// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { parseMlsdLine, parseMlsdList, parseMlstReply } from "../../protocols/ftp/mod.ts";

Deno.test("parseMlsdLine() reads facts into typed fields", () => {
  const e = parseMlsdLine(
    "modify=20240115103000;perm=adfrw;size=268435456;type=file;unique=803U1;UNIX.group=1001;UNIX.mode=0644;UNIX.owner=ftpuser; big file.bin",
  )!;
  assert.equal(e.name, "big file.bin");
  assert.equal(e.type, "file");
  assert.equal(e.size, 268435456);
  assert.equal(e.modifiedAt?.toISOString(), "2024-01-15T10:30:00.000Z");
  assert.equal(e.permissions, "adfrw");
  assert.equal(e.unique, "803U1");
  assert.equal(e.mode, 0o644);
  assert.equal(e.owner, "ftpuser");
  assert.equal(e.group, "1001");
  assert.equal(e.facts?.["unix.mode"], "0644");
});

Deno.test("parseMlsdLine() handles types, odd names and junk", () => {
  const cases: [string, { name: string; type: string; target?: string } | null][] = [
    ["type=dir;modify=20240101000000; docs", { name: "docs", type: "directory" }],
    ["Type=DIR; Upper", { name: "Upper", type: "directory" }],
    ["type=cdir; .", null],
    ["type=pdir; ..", null],
    ["type=OS.unix=slink:/etc/target;size=11; link", {
      name: "link",
      type: "symlink",
      target: "/etc/target",
    }],
    ["type=OS.unix=symlink; l2", { name: "l2", type: "symlink" }],
    ["type=file;size=1;  leading space", { name: " leading space", type: "file" }],
    ["type=file; semi;colon=name", { name: "semi;colon=name", type: "file" }],
    ["type=file; 日本語.txt", { name: "日本語.txt", type: "file" }],
    ["type=OS.name=special; dev", { name: "dev", type: "unknown" }],
    ["nofacts", null],
    ["bad;facts name", null],
    ["type=file; ", null],
  ];
  for (const [line, expected] of cases) {
    const entry = parseMlsdLine(line);
    if (expected === null) assert.equal(entry, null, line);
    else {
      assert.equal(entry?.name, expected.name, line);
      assert.equal(entry?.type, expected.type, line);
      if (expected.target) assert.equal(entry?.target, expected.target, line);
    }
  }
});

Deno.test("parseMlsdList() skips . and .. and blank lines", () => {
  const list = parseMlsdList(
    "type=cdir;perm=el; .\r\ntype=pdir; ..\r\n\r\ntype=file;size=0; empty\r\n",
  );
  assert.deepEqual(list.map((e) => [e.name, e.size]), [["empty", 0]]);
});

Deno.test("parseMlstReply() finds the fact line", () => {
  const entry = parseMlstReply([
    "Start of list for /pub",
    " type=cdir;modify=20240101000000;perm=el; /pub",
    "End of list",
  ]);
  assert.equal(entry?.type, "directory");
  assert.equal(entry?.name, "/pub");
  assert.equal(parseMlstReply(["nothing here"]), null);
});

// Node's `__proto__` accessor swallowed `facts["__proto__"] = …` (Deno has none):
// this fails under Node's run of the suite on the assigning parser.
Deno.test("parseMlsdLine() keeps facts named like Object.prototype members as plain facts", () => {
  const e = parseMlsdLine("type=file;__proto__=x;constructor=y;toString=z; odd")!;
  assert.equal(e.facts?.["__proto__"], "x");
  assert.ok(Object.hasOwn(e.facts!, "__proto__"));
  assert.equal(Object.getPrototypeOf(e.facts), Object.prototype);
  assert.equal(e.facts?.["constructor"], "y");
  assert.equal(e.facts?.["tostring"], "z");
  assert.deepEqual(Object.keys(e.facts!), ["type", "__proto__", "constructor", "tostring"]);
});
