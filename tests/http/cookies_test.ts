// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { HttpAgent, HttpCookieJar, httpFetch, HttpTestServer } from "../../protocols/http/mod.ts";

const NOW = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/** Sets each `[field, requestUrl]` at NOW, then reads the Cookie field for `url`. */
function header(sets: [string, string][], url: string, at: Date = NOW): string | null {
  const jar = new HttpCookieJar();
  for (const [field, from] of sets) jar.setCookie(field, from, NOW);
  return jar.cookieHeader(url, at);
}

Deno.test("HttpCookieJar parses and matches per RFC 6265", () => {
  const cases: [string, [string, string][], string, string | null][] = [
    ["plain", [["a=1", "http://example.com/"]], "http://example.com/", "a=1"],
    ["whitespace trimmed", [["  a  =  1 2  ; Path=/", "http://x.com/"]], "http://x.com/", "a=1 2"],
    ["empty value", [["a=", "http://x.com/"]], "http://x.com/", "a="],
    ["no = ignored", [["abc", "http://x.com/"]], "http://x.com/", null],
    ["empty name ignored", [["=abc", "http://x.com/"]], "http://x.com/", null],
    ["control char ignored", [["a=b\u0001c", "http://x.com/"]], "http://x.com/", null],
    ["quoted value kept", [['a="q"', "http://x.com/"]], "http://x.com/", 'a="q"'],
    // Domain
    ["host-only not to subdomain", [["a=1", "http://x.com/"]], "http://www.x.com/", null],
    ["host-only not to parent", [["a=1", "http://www.x.com/"]], "http://x.com/", null],
    ["Domain to subdomain", [["a=1; Domain=x.com", "http://x.com/"]], "http://a.b.x.com/", "a=1"],
    ["leading dot ignored", [["a=1; Domain=.X.com", "http://www.x.com/"]], "http://x.com/", "a=1"],
    ["Domain not matching", [["a=1; Domain=y.com", "http://x.com/"]], "http://y.com/", null],
    [
      "Domain suffix not on a label",
      [["a=1; Domain=ample.com", "http://example.com/"]],
      "http://ample.com/",
      null,
    ],
    [
      "Domain is a subdomain of host",
      [["a=1; Domain=www.x.com", "http://x.com/"]],
      "http://www.x.com/",
      null,
    ],
    ["public suffix refused", [["a=1; Domain=com", "http://x.com/"]], "http://x.com/", null],
    [
      "single label equal to host",
      [["a=1; Domain=localhost", "http://localhost/"]],
      "http://localhost/",
      "a=1",
    ],
    [
      "empty Domain ignored (host-only)",
      [["a=1; Domain=", "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    ["bad Domain refused", [["a=1; Domain=x.com:80", "http://x.com/"]], "http://x.com/", null],
    // IP hosts
    ["IP host-only", [["a=1", "http://127.0.0.1/"]], "http://127.0.0.1:8080/", "a=1"],
    [
      "IP Domain equal",
      [["a=1; Domain=127.0.0.1", "http://127.0.0.1/"]],
      "http://127.0.0.1/",
      "a=1",
    ],
    [
      "IP Domain suffix refused",
      [["a=1; Domain=0.0.1", "http://127.0.0.1/"]],
      "http://127.0.0.1/",
      null,
    ],
    ["IPv6 host", [["a=1", "http://[::1]/"]], "http://[::1]:81/", "a=1"],
    ["IPv6 Domain equal", [["a=1; Domain=[::1]", "http://[::1]/"]], "http://[::1]/", "a=1"],
    // Path
    ["default path", [["a=1", "http://x.com/app/login"]], "http://x.com/app/home", "a=1"],
    ["default path not above", [["a=1", "http://x.com/app/login"]], "http://x.com/other", null],
    ["default path of /x is /", [["a=1", "http://x.com/login"]], "http://x.com/other", "a=1"],
    ["Path prefix on a /", [["a=1; Path=/docs", "http://x.com/"]], "http://x.com/docs/a", "a=1"],
    ["Path equal", [["a=1; Path=/docs", "http://x.com/"]], "http://x.com/docs", "a=1"],
    ["Path not on a boundary", [["a=1; Path=/docs", "http://x.com/"]], "http://x.com/docsx", null],
    ["Path with trailing /", [["a=1; Path=/d/", "http://x.com/"]], "http://x.com/d/e", "a=1"],
    [
      "Path not starting / → default",
      [["a=1; Path=docs", "http://x.com/q/r"]],
      "http://x.com/q/z",
      "a=1",
    ],
    ["query not part of path", [["a=1; Path=/p", "http://x.com/"]], "http://x.com/p?x=/", "a=1"],
    // Secure
    ["Secure over https", [["a=1; Secure", "https://x.com/"]], "https://x.com/", "a=1"],
    ["Secure not over http", [["a=1; Secure", "https://x.com/"]], "http://x.com/", null],
    ["plain sent over https", [["a=1", "http://x.com/"]], "https://x.com/", "a=1"],
    // Expiry
    ["Max-Age future", [["a=1; Max-Age=60", "http://x.com/"]], "http://x.com/", "a=1"],
    ["Max-Age 0 expires", [["a=1; Max-Age=0", "http://x.com/"]], "http://x.com/", null],
    ["Max-Age negative", [["a=1; Max-Age=-5", "http://x.com/"]], "http://x.com/", null],
    ["bad Max-Age ignored", [["a=1; Max-Age=1x", "http://x.com/"]], "http://x.com/", "a=1"],
    [
      "Expires past",
      [["a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "http://x.com/"]],
      "http://x.com/",
      null,
    ],
    [
      "Expires future",
      [["a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT", "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    [
      "Max-Age wins over Expires",
      [["a=1; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    [
      "Max-Age wins (before)",
      [["a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Max-Age=0", "http://x.com/"]],
      "http://x.com/",
      null,
    ],
    ["bad Expires ignored", [["a=1; Expires=soon", "http://x.com/"]], "http://x.com/", "a=1"],
    [
      "2-digit year 15 → 2015",
      [["a=1; Expires=21-Oct-15 07:28:00", "http://x.com/"]],
      "http://x.com/",
      null,
    ],
    [
      "31 Feb is invalid",
      [["a=1; Expires=31 Feb 2015 07:28:00", "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    // Unknown and odd attributes
    [
      "unknown attribute ignored",
      [["a=1; Foo=bar; ; =; Priority=High", "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    ["last Path wins", [["a=1; Path=/x; Path=/", "http://x.com/"]], "http://x.com/y", "a=1"],
    [
      "attribute too long ignored",
      [[`a=1; Path=/${"p".repeat(2000)}`, "http://x.com/"]],
      "http://x.com/",
      "a=1",
    ],
    // Ordering and replacement
    [
      "longer path first, then older",
      [["b=2", "http://x.com/"], ["a=1; Path=/p", "http://x.com/"], ["c=3", "http://x.com/"]],
      "http://x.com/p/q",
      "a=1; b=2; c=3",
    ],
    ["replaced", [["a=1", "http://x.com/"], ["a=2", "http://x.com/"]], "http://x.com/", "a=2"],
    [
      "other path is another cookie",
      [["a=1", "http://x.com/"], ["a=2; Path=/p", "http://x.com/"]],
      "http://x.com/p",
      "a=2; a=1",
    ],
    [
      "deleted by an expired one",
      [["a=1", "http://x.com/"], ["a=; Max-Age=0", "http://x.com/"]],
      "http://x.com/",
      null,
    ],
  ];
  for (const [label, sets, url, expected] of cases) {
    assert.equal(header(sets, url), expected, label);
  }
});

Deno.test("HttpCookieJar expires cookies with time and keeps creation time on replace", () => {
  const jar = new HttpCookieJar();
  jar.setCookie("a=1; Max-Age=10", "http://x.com/", NOW);
  jar.setCookie("b=1; Expires=Thu, 01 Jan 2026 00:01:00 GMT", "http://x.com/", NOW);
  assert.equal(jar.cookieHeader("http://x.com/", later(5)), "a=1; b=1");
  assert.equal(jar.cookieHeader("http://x.com/", later(11)), "b=1");
  assert.equal(jar.size, 1); // the expired one was removed
  assert.equal(jar.cookieHeader("http://x.com/", later(61)), null);

  jar.setCookie("s=1; HttpOnly; SameSite=strict", "http://x.com/", NOW);
  jar.setCookie("t=1", "http://x.com/", later(1));
  jar.setCookie("s=2; Secure", "https://x.com/", later(2)); // replaces s, keeps its creation time
  const [s] = jar.cookies(undefined, later(2)).filter((c) => c.name === "s");
  assert.equal(s!.value, "2");
  assert.equal(s!.creationTime.getTime(), NOW.getTime());
  assert.equal(s!.secure, true);
  assert.equal(s!.httpOnly, false);
  assert.equal(s!.sameSite, null);
  assert.equal(jar.cookieHeader("https://x.com/", later(3)), "s=2; t=1");
  assert.ok(Object.isFrozen(s));
});

Deno.test("HttpCookieJar cookies() lists, clear() empties, last access is updated", () => {
  const jar = new HttpCookieJar();
  jar.setCookie(
    "a=1; Domain=x.com; Path=/p; Max-Age=100; SameSite=None; Secure",
    "https://www.x.com/",
    NOW,
  );
  const [c] = jar.cookies(undefined, NOW);
  assert.deepEqual({ ...c }, {
    name: "a",
    value: "1",
    domain: "x.com",
    hostOnly: false,
    path: "/p",
    secure: true,
    httpOnly: false,
    sameSite: "None",
    expires: later(100),
    creationTime: NOW,
    lastAccessTime: NOW,
  });
  assert.equal(jar.cookies("https://x.com/p", NOW).length, 1);
  assert.equal(jar.cookies("http://x.com/p", NOW).length, 0);
  jar.cookieHeader("https://x.com/p/", later(7));
  assert.equal(jar.cookies(undefined, later(8))[0]!.lastAccessTime.getTime(), later(7).getTime());
  assert.equal(jar.cookies(undefined, later(101)).length, 0);
  jar.clear();
  assert.equal(jar.size, 0);
  assert.deepEqual(jar.cookies(), []);
});

Deno.test("HttpCookieJar bounds memory: size limit, per-domain and total caps", () => {
  const jar = new HttpCookieJar();
  const big = "v".repeat(4096);
  assert.equal(jar.setCookie(`a=${big}`, "http://x.com/", NOW), false);
  assert.equal(jar.setCookie(`a=${"v".repeat(4095)}`, "http://x.com/", NOW), true);
  // A multi-byte value counts in UTF-8 bytes.
  assert.equal(jar.setCookie(`b=${"é".repeat(2048)}`, "http://x.com/", NOW), false);
  jar.clear();

  for (let i = 0; i < 60; i++) jar.setCookie(`c${i}=1`, "http://x.com/", later(i));
  assert.equal(jar.size, 50);
  const names = jar.cookies(undefined, later(100)).map((c) => c.name);
  assert.ok(!names.includes("c0") && !names.includes("c9") && names.includes("c10"));

  // A recently sent cookie survives over older unused ones.
  const lru = new HttpCookieJar({ maxCookiesPerDomain: 3 });
  lru.setCookie("a=1", "http://x.com/", later(0));
  lru.setCookie("b=1", "http://x.com/", later(1));
  lru.setCookie("c=1; Path=/c", "http://x.com/", later(2));
  lru.cookieHeader("http://x.com/", later(3)); // touches a and b
  lru.setCookie("d=1", "http://x.com/", later(4));
  assert.deepEqual(lru.cookies(undefined, later(5)).map((c) => c.name).sort(), ["a", "b", "d"]);

  const total = new HttpCookieJar();
  for (let i = 0; i < 3100; i++) {
    total.setCookie(`n=${i}`, `http://h${i}.example/`, later(i));
  }
  assert.equal(total.size, 3000);
  assert.equal(total.cookieHeader("http://h0.example/", later(4000)), null);
  assert.equal(total.cookieHeader("http://h3099.example/", later(4000)), "n=3099");
});

Deno.test("httpFetch() with a cookie jar: login redirect, Path, other hosts", async () => {
  await using server = await HttpTestServer.start();
  const seen: Record<string, string | null> = {};
  server.route("POST", "/login", () => ({
    status: 302,
    headers: [
      ["Location", "/account"],
      ["Set-Cookie", "session=s3cret; Path=/; HttpOnly"],
      ["Set-Cookie", "admin=1; Path=/admin"],
      ["Set-Cookie", "elsewhere=1; Domain=example.com"],
    ],
  }));
  server.route("GET", "/account", (req) => {
    seen.account = req.header("cookie");
    return req.header("cookie") === "session=s3cret"
      ? { body: "welcome" }
      : { status: 403, body: "no" };
  });
  server.route("GET", "/admin/panel", (req) => {
    seen.admin = req.header("cookie");
    return { body: "ok" };
  });
  server.route("GET", "/echo", (req) => {
    seen.echo = req.header("cookie");
    return { body: "ok" };
  });
  await using agent = new HttpAgent({ proxy: null });
  const cookies = new HttpCookieJar();

  const response = await httpFetch(`${server.url}login`, {
    method: "POST",
    body: "u=p",
    agent,
    cookies,
  });
  assert.equal(response.status, 200);
  assert.equal(response.redirected, true);
  assert.equal(await response.text(), "welcome");
  assert.equal(seen.account, "session=s3cret"); // not admin (Path), not elsewhere (refused)
  assert.deepEqual(cookies.cookies().map((c) => c.name).sort(), ["admin", "session"]);

  await (await httpFetch(`${server.url}admin/panel`, { agent, cookies })).text();
  assert.equal(seen.admin, "admin=1; session=s3cret");

  // A caller-set Cookie field is kept and the jar's is not added.
  await (await httpFetch(`${server.url}echo`, { agent, cookies, headers: { Cookie: "mine=1" } }))
    .text();
  assert.equal(seen.echo, "mine=1");

  // Without a jar nothing is sent.
  await (await httpFetch(`${server.url}echo`, { agent })).text();
  assert.equal(seen.echo, null);

  // Cookies of another host are not sent here (localhost vs 127.0.0.1).
  const other = new HttpCookieJar();
  other.setCookie("x=1", `http://localhost:${server.port}/`);
  await (await httpFetch(`${server.url}echo`, { agent, cookies: other })).text();
  assert.equal(seen.echo, null);
});

Deno.test("httpFetch() stores Set-Cookie of a 401 before the auth retry", async () => {
  await using server = await HttpTestServer.start();
  let cookieOnRetry: string | null = null;
  server.route("GET", "/private", (req) => {
    if (req.header("authorization") === null) {
      return {
        status: 401,
        headers: [["WWW-Authenticate", 'Basic realm="r"'], ["Set-Cookie", "pre=auth"]],
      };
    }
    cookieOnRetry = req.header("cookie");
    return { headers: [["Set-Cookie", "post=ok"]], body: "in" };
  });
  await using agent = new HttpAgent({ proxy: null });
  const cookies = new HttpCookieJar();
  const response = await httpFetch(`${server.url}private`, {
    agent,
    cookies,
    auth: { username: "u", password: "p" },
  });
  assert.equal(await response.text(), "in");
  assert.equal(cookieOnRetry, "pre=auth");
  assert.equal(cookies.cookieHeader(`${server.url}private`), "pre=auth; post=ok");
});
