// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the listing parsers (LIST in its Unix, DOS and EPLF
// forms; MLSD and MLST): every input parses to well-formed entries or to
// nothing; no parser throws, and no entry carries a NaN or unsafe size, an
// Invalid Date or a date that rolled over from out-of-range fields.
import assert from "../_assert.ts";
import { fuzz } from "../_fuzz.ts";
import { checkEntry } from "./_fuzz_checks.ts";
import {
  FTP_LIST_DOS,
  FTP_LIST_EPLF,
  FTP_LIST_PARSERS,
  FTP_LIST_UNIX,
  type FtpFileInfo,
  parseList,
  parseMlsdLine,
  parseMlsdList,
  parseMlstReply,
} from "../../protocols/ftp/mod.ts";

const now = new Date("2024-06-01T12:00:00Z");
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * A LIST date is the one its line shows: "Feb 30" or "13-01-24" gives no
 * date rather than one rolled over into the next month or year.
 */
function checkListDate(entry: FtpFileInfo, parser: string, where: string): void {
  const at = entry.modifiedAt;
  if (at === undefined || entry.raw === undefined) return;
  let month: number | undefined;
  let day: number | undefined;
  if (parser === "unix") {
    // A month name, not any three letters: "ftp 00 4096 " is owner, group and size.
    const monthName = new RegExp(
      ` (${MONTHS.join("|")})\\s+(\\d{1,2})\\s+(?:\\d{1,2}:\\d{2}|\\d{4}) `,
      "i",
    );
    const m = monthName.exec(entry.raw) ??
      / \d{4}-(\d{2})-(\d{2})\s/.exec(entry.raw);
    if (!m) return;
    month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month === -1) month = Number(m[1]) - 1;
    day = Number(m[2]);
  } else if (parser === "dos") {
    const m = /^(\d{2})-(\d{2})-/.exec(entry.raw);
    const iso = /^\d{4}-(\d{2})-(\d{2})/.exec(entry.raw);
    if (m) [month, day] = [Number(m[1]) - 1, Number(m[2])];
    else if (iso) [month, day] = [Number(iso[1]) - 1, Number(iso[2])];
  }
  if (month === undefined || day === undefined) return;
  if (at.getUTCMonth() !== month || at.getUTCDate() !== day) {
    assert.fail(`${where}: ${entry.raw} gave ${at.toISOString()}`);
  }
}

const UNIX_SAMPLES = [
  "-rw-r--r--    1 1000     1000     268435456 Jan 15 10:30 big.bin",
  "drwxr-xr-x    2 ftp      ftp          4096 Dec 24  2023 old dir",
  "lrwxrwxrwx    1 0        0               7 Mar  3 09:00 latest -> v1.2/bin",
  "-rw-r--r--   1 owner  group    12 Feb  5 12:00   three spaces lead",
  "crw-rw-rw-   1 root   root     1,   3 Jan  1  2020 null",
  "brw-rw----   1 root   disk     8,   0 Jun  1 08:00 sda",
  "-rwsr-sr-t+  1 root   root  4096 2024-01-15 10:30 iso.txt",
  "-rw-r--r--@  1 user   staff  10 2024-01-15 10:30:15.123456789 +0100 nano",
  "-rw-r--r--   1 ftp 5 Feb 29 10:00 leap",
  "prw-r--r--   1 user 0 Apr 30 23:59 fifo",
  "srwxrwxrwx   1 user group 0 Nov  9  1999 sock",
  "-rw-rw-rw-   1 user group 123 Sep 31 10:00 no such day",
  "lrwxrwxrwx   1 0 0 1 Jan 15 10:30 . -> x",
  "drwxr-xr-x   2 0 0 4096 Jan 15 10:30 ..",
  "total 42",
];
const DOS_SAMPLES = [
  "01-15-24  10:30PM       <DIR>          My Docs",
  "12-31-1999  11:59AM            1024 readme.txt",
  "2024-01-15  22:30               5 iso.txt",
  "02-29-23  12:00AM   <JUNCTION>     link",
  "06-01-24  09:05:59 am         77 secs.txt",
];
const EPLF_SAMPLES = [
  "+i8388621.44468,m839956783,r,s10376,\tRFCEPLF",
  "+i8388621.48594,m825718503,/,\t2kd",
  "+up644,s0,m0,r,\tzero",
  "+/,\t..",
];
const MLSD_SAMPLES = [
  "type=file;size=12;modify=20240115103000;UNIX.mode=0644; my file.txt",
  "type=dir;modify=20240115103000.123;perm=flcdmpe;unique=801U1; docs",
  "type=cdir;perm=el; .",
  "Type=OS.unix=slink:/etc/target;UNIX.uid=0;UNIX.gid=0; link",
  "type=file;sizd=3;UNIX.owner=ftp;UNIX.group=ftp; a;b c;d",
  "type=file;size=5; na\xc3\xafve \xf0\x9f\x98\x80.txt",
  "modify=19991231235960;type=file; leap second",
];

function lines(samples: readonly string[]): string[] {
  // Whole listings too, so the first-line format choice is exercised.
  return [...samples, samples.join("\r\n"), samples.join("\n") + "\n"];
}

Deno.test("parseList() fuzz: well-formed entries or none, never an exception", () => {
  const samples = lines([...UNIX_SAMPLES, ...DOS_SAMPLES, ...EPLF_SAMPLES]);
  fuzz("parseList", { seed: 0x11571, count: 4000, samples, maxRandom: 300 }, (input) => {
    const entries = parseList(input, { now });
    assert.ok(Array.isArray(entries));
    for (const entry of entries) checkEntry(entry, "parseList");
  });
});

Deno.test("FTP_LIST_* parsers fuzz: test() and parse() agree, entries well formed", () => {
  const samples = [...UNIX_SAMPLES, ...DOS_SAMPLES, ...EPLF_SAMPLES];
  for (const parser of [FTP_LIST_UNIX, FTP_LIST_DOS, FTP_LIST_EPLF]) {
    fuzz(`FTP_LIST_${parser.name}`, { seed: 0x1d05 + parser.name.length, count: 3000, samples }, (
      input,
    ) => {
      const line = input.replace(/[\r\n]/g, "");
      const accepted = parser.test(line);
      const entry = parser.parse(line, { now });
      if (!accepted) return;
      if (entry === null) return; // `.` and `..`
      checkEntry(entry, parser.name);
      checkListDate(entry, parser.name, parser.name);
      assert.equal(entry.raw, line);
    });
  }
  assert.deepEqual(FTP_LIST_PARSERS.map((p) => p.name), ["unix", "dos", "eplf"]);
});

Deno.test("parseMlsdLine()/parseMlsdList()/parseMlstReply() fuzz: well-formed entries or null", () => {
  const samples = lines(MLSD_SAMPLES);
  fuzz("parseMlsd", { seed: 0x3659, count: 4000, samples, maxRandom: 300 }, (input) => {
    const line = input.replace(/[\r\n]/g, "");
    const entry = parseMlsdLine(line);
    if (entry !== null) {
      checkEntry(entry, "parseMlsdLine", true);
      // The name is everything after the first space, unchanged.
      assert.equal(entry.name, line.slice(line.indexOf(" ") + 1));
    }
    for (const e of parseMlsdList(input)) checkEntry(e, "parseMlsdList");
    const stat = parseMlstReply(["Listing", ...input.split(/\r?\n/).map((l) => ` ${l}`), "End"]);
    if (stat !== null) checkEntry(stat, "parseMlstReply", true);
  });
});
