// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  FTP_LIST_DOS,
  FTP_LIST_EPLF,
  FTP_LIST_UNIX,
  type FtpListParser,
  parseList,
} from "../../protocols/ftp/mod.ts";

const now = new Date("2024-06-01T12:00:00Z");

interface Case {
  line: string;
  name: string;
  type: string;
  size?: number | undefined;
  date?: string;
  mode?: number;
  owner?: string;
  group?: string | undefined;
  target?: string;
}

const UNIX: Case[] = [
  {
    line: "-rw-r--r--    1 1000     1000     268435456 Jan 15 10:30 big.bin",
    name: "big.bin",
    type: "file",
    size: 268435456,
    date: "2024-01-15T10:30:00.000Z",
    mode: 0o644,
    owner: "1000",
    group: "1000",
  },
  {
    line: "drwxr-xr-x    2 ftp      ftp          4096 Dec 24  2023 old dir",
    name: "old dir",
    type: "directory",
    date: "2023-12-24T00:00:00.000Z",
    mode: 0o755,
  },
  {
    // A date later than "now" without a year belongs to last year.
    line: "-rw-r--r--    1 user     group          10 Dec 31 23:59 last year.txt",
    name: "last year.txt",
    type: "file",
    size: 10,
    date: "2023-12-31T23:59:00.000Z",
  },
  {
    line: "lrwxrwxrwx    1 0        0               7 Mar  3 09:00 latest -> v1.2/bin",
    name: "latest",
    type: "symlink",
    target: "v1.2/bin",
    date: "2024-03-03T09:00:00.000Z",
  },
  {
    line: "-rw-r--r--   1 owner  group    12 Feb  5 12:00   three spaces lead",
    name: "  three spaces lead",
    type: "file",
  },
  {
    line: "-rwsr-sr-t    1 root     root        1234 Jan  1 00:00 suid",
    name: "suid",
    type: "file",
    mode: 0o7755,
  },
  {
    line: "crw-rw-rw-    1 root     root       1,   3 Jan  1  2020 null",
    name: "null",
    type: "unknown",
    size: undefined,
  },
  {
    line: "-rw-r--r--  1 user  1234 Apr  1 08:00 no group.txt",
    name: "no group.txt",
    type: "file",
    size: 1234,
    owner: "user",
    group: undefined,
  },
  {
    line: "-rw-r--r--+   1 user group 99 2024-05-01 07:08 iso date.txt",
    name: "iso date.txt",
    type: "file",
    size: 99,
    date: "2024-05-01T07:08:00.000Z",
  },
  {
    line: "drwxr-xr-x    3 ftp      ftp          4096 May 20 11:00 日本語 dir",
    name: "日本語 dir",
    type: "directory",
  },
];

const DOS: Case[] = [
  {
    line: "01-15-24  10:30AM       <DIR>          My Documents",
    name: "My Documents",
    type: "directory",
    date: "2024-01-15T10:30:00.000Z",
  },
  {
    line: "12-31-1999  11:59PM            1234567 report final.doc",
    name: "report final.doc",
    type: "file",
    size: 1234567,
    date: "1999-12-31T23:59:00.000Z",
  },
  {
    line: "07-04-76  12:00AM                  0 midnight",
    name: "midnight",
    type: "file",
    size: 0,
    date: "1976-07-04T00:00:00.000Z",
  },
  {
    line: "2024-02-29  13:45       <DIR>          iso",
    name: "iso",
    type: "directory",
    date: "2024-02-29T13:45:00.000Z",
  },
];

function check(parser: FtpListParser, cases: Case[]): void {
  for (const c of cases) {
    assert.ok(parser.test(c.line), c.line);
    const e = parser.parse(c.line, { now })!;
    assert.equal(e.name, c.name, c.line);
    assert.equal(e.type, c.type, c.line);
    if ("size" in c) assert.equal(e.size, c.size, c.line);
    if (c.date) assert.equal(e.modifiedAt?.toISOString(), c.date, c.line);
    if (c.mode !== undefined) assert.equal(e.mode, c.mode, c.line);
    if (c.owner) assert.equal(e.owner, c.owner, c.line);
    if ("group" in c) assert.equal(e.group, c.group, c.line);
    if (c.target) assert.equal(e.target, c.target, c.line);
  }
}

Deno.test("FTP_LIST_UNIX parses ls -l lines", () => check(FTP_LIST_UNIX, UNIX));

Deno.test("FTP_LIST_DOS parses IIS lines", () => check(FTP_LIST_DOS, DOS));

Deno.test("FTP_LIST_EPLF parses EPLF lines", () => {
  const dir = FTP_LIST_EPLF.parse("+i8388621.29609,m824255902,/,\tdev", { now })!;
  assert.equal(dir.type, "directory");
  assert.equal(dir.modifiedAt?.toISOString(), "1996-02-13T23:58:22.000Z");
  const file = FTP_LIST_EPLF.parse("+i8388621.44468,m839956783,r,s10376,up644,\tRFC EPLF", {
    now,
  })!;
  assert.deepEqual([file.name, file.type, file.size, file.mode], [
    "RFC EPLF",
    "file",
    10376,
    0o644,
  ]);
});

Deno.test("parseList() picks the format, skips totals, . and ..", () => {
  const unix = parseList(
    "total 12\r\n" +
      "drwxr-xr-x    2 0 0 4096 Jan 15 10:30 .\r\n" +
      "drwxr-xr-x    2 0 0 4096 Jan 15 10:30 ..\r\n" +
      UNIX.map((c) => c.line).join("\r\n") + "\r\n",
    { now },
  );
  assert.deepEqual(unix.map((e) => e.name), UNIX.map((c) => c.name));
  const dos = parseList(DOS.map((c) => c.line).join("\n"), { now });
  assert.deepEqual(dos.map((e) => e.name), DOS.map((c) => c.name));
  assert.deepEqual(parseList("", { now }), []);
  assert.deepEqual(parseList("garbage line\r\nmore garbage\r\n", { now }), []);
});

Deno.test("parseList() accepts custom parsers first", () => {
  const custom: FtpListParser = {
    name: "csv",
    test: (line) => line.split(",").length === 2,
    parse: (line) => {
      const [name, size] = line.split(",");
      return { name: name!, type: "file", size: Number(size), modifiedAt: undefined };
    },
  };
  const list = parseList("a,1\nb,2\n", { parsers: [custom] });
  assert.deepEqual(list.map((e) => [e.name, e.size]), [["a", 1], ["b", 2]]);
});
