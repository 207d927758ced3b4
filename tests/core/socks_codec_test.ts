// Copyright 2026 the portline authors. MIT license.
// The SOCKS5 wire format without a network: proxy URL settings, the
// client's messages byte for byte, and the proxy's answers parsed from
// every prefix (incomplete until the last byte, never more).
import assert from "../_assert.ts";
import { InvalidArgumentError, SocksProxyError } from "../../protocols/_core/mod.ts";
import {
  encodeSocksConnect,
  encodeSocksGreeting,
  encodeSocksPasswordAuth,
  parseSocksAuthStatus,
  parseSocksConnectReply,
  parseSocksMethodChoice,
  socksProxySettings,
  socksReplyReason,
  socksTarget,
} from "../../protocols/_core/socks_codec.ts";

const encoder = new TextEncoder();
const WHAT = "open a SOCKS tunnel to x:21 through proxy p:1080";

Deno.test("socksProxySettings() reads host, port, name resolution and credentials", () => {
  const cases = [
    {
      url: "socks5h://127.0.0.1",
      expected: { hostname: "127.0.0.1", port: 1080, remoteDns: true, credentials: undefined },
    },
    {
      url: "socks5://[::1]:9050",
      expected: { hostname: "::1", port: 9050, remoteDns: false, credentials: undefined },
    },
    {
      url: "socks5h://al%20ice:p%C3%A4%3Ass@proxy.example:1081",
      expected: {
        hostname: "proxy.example",
        port: 1081,
        remoteDns: true,
        credentials: { username: encoder.encode("al ice"), password: encoder.encode("pä:ss") },
      },
    },
    {
      // A user name without a password: an empty password (as curl sends it).
      url: "socks5://u@h",
      expected: {
        hostname: "h",
        port: 1080,
        remoteDns: false,
        credentials: { username: encoder.encode("u"), password: new Uint8Array(0) },
      },
    },
  ];
  for (const { url, expected } of cases) {
    assert.deepEqual(socksProxySettings(new URL(url)), expected, url);
  }
});

Deno.test("socksProxySettings() refuses other schemes and over-long or undecodable credentials without quoting them", () => {
  const cases: [string, RegExp][] = [
    ["http://h:3128", /"http:" proxy/],
    ["socks4a://h", /"socks4a:" proxy/],
    [`socks5://${"u".repeat(256)}:pw@h`, /user name is 256 bytes/],
    [`socks5://u:${"%C3%A9".repeat(128)}@h`, /password is 256 bytes/],
    ["socks5://u:s3cret%ZZ@h", /password in its URL is not valid percent-encoding/],
  ];
  for (const [url, message] of cases) {
    assert.throws(
      () => socksProxySettings(new URL(url)),
      (error: unknown) =>
        error instanceof InvalidArgumentError && message.test(error.message) &&
        !error.message.includes("s3cret") && !error.message.includes("uuuu"),
      url,
    );
  }
});

Deno.test("socksTarget() sends IP literals as addresses, other names as domains", () => {
  const cases: [string, ReturnType<typeof socksTarget>["type"], string][] = [
    ["192.0.2.1", "ipv4", "192.0.2.1"],
    ["::1", "ipv6", "::1"],
    ["[2001:db8::1]", "ipv6", "2001:db8::1"],
    ["fe80::1%eth0", "ipv6", "fe80::1"],
    ["ftp.example", "domain", "ftp.example"],
    ["1.2.3", "domain", "1.2.3"],
    ["bücher.example", "domain", "bücher.example"],
  ];
  for (const [hostname, type, host] of cases) {
    assert.deepEqual(socksTarget(hostname, 21), { type, host, port: 21 }, hostname);
  }
  for (const [hostname, port] of [["", 21], ["a b", 21], ["a\0b", 21], ["h", 0], ["h", 1.5]]) {
    assert.throws(() => socksTarget(hostname as string, port as number), InvalidArgumentError);
  }
  assert.equal(socksTarget("x".repeat(255), 1).type, "domain");
  assert.throws(() => socksTarget("é".repeat(128), 1), InvalidArgumentError);
});

Deno.test("encodeSocks*() write the RFC 1928 and RFC 1929 messages byte for byte", () => {
  assert.deepEqual(encodeSocksGreeting(false), Uint8Array.of(5, 1, 0));
  assert.deepEqual(encodeSocksGreeting(true), Uint8Array.of(5, 2, 0, 2));
  assert.deepEqual(
    encodeSocksPasswordAuth({ username: encoder.encode("ab"), password: encoder.encode("xyz") }),
    Uint8Array.of(1, 2, 97, 98, 3, 120, 121, 122),
  );
  assert.deepEqual(
    encodeSocksPasswordAuth({ username: encoder.encode("u"), password: new Uint8Array(0) }),
    Uint8Array.of(1, 1, 117, 0),
  );
  const cases: [string, number, number[]][] = [
    ["10.0.0.255", 21, [1, 10, 0, 0, 255, 0, 21]],
    ["ftp.example", 990, [3, 11, ...encoder.encode("ftp.example"), 3, 222]],
    ["::1", 65535, [4, ...new Array(15).fill(0), 1, 255, 255]],
    ["2001:db8::7:0", 1, [4, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1]],
    ["::ffff:192.0.2.1", 80, [4, ...new Array(10).fill(0), 255, 255, 192, 0, 2, 1, 0, 80]],
    ["1:2:3:4:5:6:7:8", 2, [4, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 2]],
    ["fe80::", 3, [4, 0xfe, 0x80, ...new Array(14).fill(0), 0, 3]],
  ];
  for (const [host, port, rest] of cases) {
    assert.deepEqual(
      encodeSocksConnect(socksTarget(host, port)),
      Uint8Array.of(5, 1, 0, ...rest),
      host,
    );
  }
});

/** Parses every proper prefix of `bytes` (all incomplete), then `bytes` with a trailer. */
function parseWhole<T extends { size: number }>(
  parse: (bytes: Uint8Array, what: string) => T | undefined,
  bytes: number[],
): T {
  for (let n = 0; n < bytes.length; n++) {
    assert.equal(parse(Uint8Array.from(bytes.slice(0, n)), WHAT), undefined, `prefix ${n}`);
  }
  const parsed = parse(Uint8Array.of(...bytes, 0x32, 0x32, 0x30), WHAT);
  assert.ok(parsed !== undefined);
  assert.equal(parsed.size, bytes.length);
  return parsed;
}

Deno.test("parseSocksMethodChoice() and parseSocksAuthStatus() take two bytes", () => {
  assert.equal(parseWhole(parseSocksMethodChoice, [5, 2]).method, 2);
  assert.equal(parseWhole(parseSocksMethodChoice, [5, 0xff]).method, 0xff);
  assert.equal(parseWhole(parseSocksAuthStatus, [1, 0]).status, 0);
  assert.equal(parseWhole(parseSocksAuthStatus, [5, 1]).status, 1);
  assert.throws(
    () => parseSocksMethodChoice(Uint8Array.of(4, 0), WHAT),
    (error: unknown) =>
      error instanceof SocksProxyError && error.message.startsWith(`Cannot ${WHAT}: `) &&
      /version 4, not 5/.test(error.message),
  );
  assert.throws(() => parseSocksAuthStatus(Uint8Array.of(2, 0), WHAT), SocksProxyError);
});

Deno.test("parseSocksConnectReply() reads the bound address of each type", () => {
  const cases: [
    number[],
    { reply: number; bound: { type: string; host: string; port: number } },
  ][] = [
    [[5, 0, 0, 1, 192, 0, 2, 9, 0x1f, 0x90], {
      reply: 0,
      bound: { type: "ipv4", host: "192.0.2.9", port: 8080 },
    }],
    [[5, 0, 0, 3, 4, ...encoder.encode("edge"), 0, 21], {
      reply: 0,
      bound: { type: "domain", host: "edge", port: 21 },
    }],
    [[5, 0, 0, 3, 0, 0, 0], { reply: 0, bound: { type: "domain", host: "", port: 0 } }],
    [[5, 0, 0, 4, ...new Array(15).fill(0), 1, 0, 1], {
      reply: 0,
      bound: { type: "ipv6", host: "::1", port: 1 },
    }],
    [[5, 0, 0, 4, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2], {
      reply: 0,
      // Two runs of two zero groups: the first is shortened (RFC 5952 §4.2.3).
      bound: { type: "ipv6", host: "2001:db8::1:0:0:1", port: 2 },
    }],
    [[5, 0, 0, 4, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 5], {
      reply: 0,
      bound: { type: "ipv6", host: "1:0:2::3:0", port: 5 },
    }],
    [[5, 0, 0, 4, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 3], {
      reply: 0,
      bound: { type: "ipv6", host: "1:2:3:4:5:6:7:8", port: 3 },
    }],
    [[5, 0, 0, 4, 0, 1, ...new Array(14).fill(0), 0, 4], {
      reply: 0,
      bound: { type: "ipv6", host: "1::", port: 4 },
    }],
    [[5, 5, 0, 1, 0, 0, 0, 0, 0, 0], {
      reply: 5,
      bound: { type: "ipv4", host: "0.0.0.0", port: 0 },
    }],
  ];
  for (const [bytes, expected] of cases) {
    const { size: _, ...parsed } = parseWhole(parseSocksConnectReply, bytes);
    assert.deepEqual(parsed, expected, JSON.stringify(bytes));
  }
});

Deno.test("parseSocksConnectReply() refuses another version or address type", () => {
  assert.throws(
    () => parseSocksConnectReply(encoder.encode("HTTP/1.1 200 OK\r\n"), WHAT),
    (error: unknown) => error instanceof SocksProxyError && /version 72, not 5/.test(error.message),
  );
  assert.throws(
    () => parseSocksConnectReply(Uint8Array.of(5, 0, 0, 2), WHAT),
    (error: unknown) =>
      error instanceof SocksProxyError && error.reply === undefined &&
      /address type 2/.test(error.message),
  );
  assert.throws(
    () => parseSocksConnectReply(Uint8Array.of(5, 4, 0, 0), WHAT),
    (error: unknown) => error instanceof SocksProxyError && error.reply === 4,
  );
});

Deno.test("socksReplyReason() names the RFC 1928 reply codes", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(socksReplyReason), [
    "succeeded",
    "general SOCKS server failure",
    "connection not allowed by ruleset",
    "network unreachable",
    "host unreachable",
    "connection refused",
    "TTL expired",
    "command not supported",
    "address type not supported",
    "unassigned reply code 9",
  ]);
});
