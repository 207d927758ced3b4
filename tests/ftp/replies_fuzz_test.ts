// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the reply-text parsers: PASV/EPSV addresses, PORT and
// EPRT arguments, PWD's quoted path, FEAT lists and RFC 3659 times. Each
// returns a well-formed value or its documented "none" (null/undefined) and
// never throws; where a formatter exists, parsing its output gives the value
// back.
import assert from "../_assert.ts";
import { fuzz, Random } from "../_fuzz.ts";
import {
  formatFtpTime,
  formatPortArgument,
  parseEpsvReply,
  parseFeatReply,
  parseFtpTime,
  parsePasvReply,
  parsePortArgument,
  parsePwdReply,
} from "../../protocols/ftp/mod.ts";

function checkPort(port: number, where: string): void {
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, `${where}: port ${port}`);
}

Deno.test("parsePasvReply()/parsePortArgument() fuzz: a valid IPv4 address and port, or null", () => {
  const samples = [
    "Entering Passive Mode (127,0,0,1,117,48).",
    "Entering Passive Mode (10, 1, 2, 3, 255, 255)",
    "=192,168,0,1,4,1",
    "Entering Passive Mode (256,0,0,1,0,21)",
    "Entering Passive Mode (1,2,3,4,0,0)",
    "127,0,0,1,117,48",
    "|1|127.0.0.1|30000|",
    "|2|::1|21|",
    "!1!10.0.0.1!65535!",
  ];
  fuzz("parsePasv", { seed: 227, count: 4000, samples }, (input) => {
    for (const address of [parsePasvReply(input), parsePortArgument(input)]) {
      if (address === null) continue;
      checkPort(address.port, JSON.stringify(input));
      assert.equal(typeof address.host, "string");
      assert.ok(address.host.length > 0);
      if (!address.host.includes(":") && /^[\d.]+$/.test(address.host)) {
        const octets = address.host.split(".").map(Number);
        if (octets.length === 4) assert.ok(octets.every((o) => o >= 0 && o <= 255), input);
      }
    }
  });
  // Round trip through the formatter.
  const random = new Random(2227);
  for (let i = 0; i < 500; i++) {
    const address = {
      host: [random.int(256), random.int(256), random.int(256), random.int(256)].join("."),
      port: 1 + random.int(65535),
    };
    const argument = formatPortArgument(address);
    assert.deepEqual(parsePortArgument(argument), address);
    assert.deepEqual(parsePasvReply(`Entering Passive Mode (${argument}).`), address);
  }
  // Numbers out of range make the reply unusable; they are never cut to fit.
  for (let i = 0; i < 2000; i++) {
    const n = Array.from(
      { length: 6 },
      () => random.next() < 0.9 ? random.int(256) : random.int(2000),
    );
    const address = parsePasvReply(`Entering Passive Mode (${n.join(",")})`);
    const port = n[4]! * 256 + n[5]!;
    if (n.some((v) => v > 255) || port === 0) assert.equal(address, null, n.join(","));
    else assert.deepEqual(address, { host: n.slice(0, 4).join("."), port }, n.join(","));
  }
});

Deno.test("parseEpsvReply() fuzz: a port in 1–65535 or null", () => {
  const samples = [
    "Entering Extended Passive Mode (|||6446|)",
    "Entering Extended Passive Mode (!!!65535!)",
    "EPSV ok (|||0|)",
    "(|||99999|)",
    "(|||1|) and (|||2|)",
  ];
  fuzz("parseEpsv", { seed: 229, count: 4000, samples }, (input) => {
    const port = parseEpsvReply(input);
    if (port !== null) checkPort(port, JSON.stringify(input));
  });
  for (let port = 1; port < 65536; port += 97) {
    assert.equal(parseEpsvReply(`Entering Extended Passive Mode (|||${port}|)`), port);
  }
});

Deno.test("parsePwdReply() fuzz: a string or null, and any path survives quoting", () => {
  const samples = [
    '"/home/a ""b""" is the current directory',
    '"/" is cwd',
    '"" empty',
    'MKD "/x""""y" created',
    "no quotes at all",
    '"unterminated',
  ];
  fuzz("parsePwd", { seed: 257, count: 4000, samples }, (input) => {
    const path = parsePwdReply(input);
    if (path !== null) assert.equal(typeof path, "string");
  });
  // RFC 959 Appendix II: the path is quoted, embedded quotes doubled.
  const random = new Random(2257);
  for (let i = 0; i < 2000; i++) {
    const path = random.text(random.int(60));
    const quoted = `"${path.replaceAll('"', '""')}"`;
    const rest = random.pick(["", " is the current directory", ' created "x"', '"']);
    // A reply text never holds CR or LF; a trailing quote after the closing
    // one would read as a doubled quote, so the rest then starts with a space.
    const text = quoted + (rest.startsWith('"') ? ` ${rest}` : rest);
    assert.equal(parsePwdReply(text), path, JSON.stringify(text));
  }
});

Deno.test("parseFeatReply() fuzz: upper-case names without blanks, string parameters", () => {
  const samples = [
    "Features:\n MLST type*;size*;modify*;\n UTF8\n EPSV\n REST STREAM\n AUTH TLS\nEnd",
    "Extensions supported:\n  SIZE  \n MDTM\n  \nEnd",
  ];
  fuzz("parseFeat", { seed: 211, count: 3000, samples }, (input) => {
    const features = parseFeatReply(input.split(/\r?\n/));
    for (const [name, parameters] of features) {
      assert.ok(name !== "" && !/\s/.test(name) && name === name.toUpperCase(), name);
      assert.equal(typeof parameters, "string");
      assert.equal(parameters, parameters.trim());
    }
  });
});

Deno.test("parseFtpTime() fuzz: a valid Date with the fields it was given, or undefined", () => {
  const samples = [
    "20240115103000",
    "20240115103000.5",
    "19991231235959.999999999",
    "20240229000000",
    "20230229000000",
    "20241301000000",
    "20240115246000",
    "00010101000000",
  ];
  fuzz("parseFtpTime", { seed: 213, count: 4000, samples }, (input) => {
    const time = parseFtpTime(input);
    if (time === undefined) return;
    assert.ok(time instanceof Date && !Number.isNaN(time.getTime()), input);
    const m = /^(\d{14})(?:\.(\d+))?$/.exec(input.trim());
    assert.ok(m, input);
    const second = Number(m[1]!.slice(12, 14));
    const rounded = m[2] ? Math.round(Number(`0.${m[2]}`) * 1000) : 0;
    // No field may roll over into the next (only a leap second or a fraction
    // that rounds up to 1000 ms moves the time on).
    if (second < 60 && rounded < 1000) assert.equal(formatFtpTime(time), m[1], input);
  });
  // Every date in years 0–9999 survives formatting and parsing.
  const random = new Random(3659);
  for (let i = 0; i < 2000; i++) {
    const date = new Date(0);
    date.setUTCFullYear(random.int(10000), random.int(12), 1 + random.int(31));
    date.setUTCHours(random.int(24), random.int(60), random.int(60), 0);
    const text = formatFtpTime(date);
    assert.equal(parseFtpTime(text)?.getTime(), date.getTime(), text);
  }
});
