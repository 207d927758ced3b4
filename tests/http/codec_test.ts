// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  chooseHttpAuthChallenge,
  encodeHttpMultipart,
  encodeHttpRequestHead,
  formatHttpRequestHead,
  httpBasicAuthorization,
  httpDigestAuthorization,
  HttpInvalidRequestError,
  httpNoProxyMatches,
  httpProxyFor,
  httpRedirect,
  HttpRedirectError,
  parseHttpAuthChallenges,
  prepareHttpBody,
  toHttpHeaderList,
} from "../../protocols/http/mod.ts";

Deno.test("formatHttpRequestHead() serialises and refuses injection", () => {
  assert.equal(
    formatHttpRequestHead("POST", "/a?b=c", [["Host", "x"], ["X-Tab", "a\tb"]]),
    "POST /a?b=c HTTP/1.1\r\nHost: x\r\nX-Tab: a\tb\r\n\r\n",
  );
  const bad: [string, string, [string, string][]][] = [
    ["GET", "/", [["X", "a\r\nInjected: 1"]]],
    ["GET", "/", [["X", "a\nb"]]],
    ["GET", "/", [["X", "a\rb"]]],
    ["GET", "/", [["X", "a\0b"]]],
    ["GET", "/", [["X", "a\x01b"]]],
    ["GET", "/", [["X Y", "v"]]],
    ["GET", "/", [["X:Y", "v"]]],
    ["GET", "/", [["", "v"]]],
    ["GET", "/", [["X", "\u0100"]]],
    ["GE T", "/", []],
    ["GET\r\n", "/", []],
    ["GET", "/a b", []],
    ["GET", "/a\r\nX: y", []],
    ["GET", "", []],
  ];
  for (const [method, target, headers] of bad) {
    assert.throws(
      () => formatHttpRequestHead(method, target, headers),
      HttpInvalidRequestError,
      JSON.stringify([method, target, headers]),
    );
  }
});

Deno.test("encodeHttpRequestHead() sends latin1 values byte for byte", () => {
  const bytes = encodeHttpRequestHead("GET", "/", [["X", "caf\u00e9"]]);
  assert.deepEqual([...bytes.subarray(19, 23)], [0x63, 0x61, 0x66, 0xe9]);
});

Deno.test("toHttpHeaderList() reads Headers, pairs and records", () => {
  const h = new Headers([["A", "1"], ["Set-Cookie", "x=1"], ["Set-Cookie", "y=2"]]);
  assert.deepEqual(toHttpHeaderList(h), [["a", "1"], ["set-cookie", "x=1"], [
    "set-cookie",
    "y=2",
  ]]);
  assert.deepEqual(toHttpHeaderList([["B", "2"]]), [["B", "2"]]);
  assert.deepEqual(toHttpHeaderList({ C: "3" }), [["C", "3"]]);
  assert.deepEqual(toHttpHeaderList(undefined), []);
});

Deno.test("prepareHttpBody() sizes and types every body kind", async () => {
  assert.equal(prepareHttpBody(null), null);
  const text = prepareHttpBody("h\u00e9")!;
  assert.equal(text.length, 3);
  assert.equal(text.contentType, "text/plain;charset=UTF-8");
  const blob = prepareHttpBody(new Blob(["abc"], { type: "text/x" }))!;
  assert.equal(blob.length, 3);
  assert.equal(blob.contentType, "text/x");
  assert.equal(blob.replayable, true);
  assert.equal(await new Response(blob.open!() as ReadableStream).text(), "abc");
  const buffer = prepareHttpBody(new Uint16Array([1]).buffer)!;
  assert.equal(buffer.length, 2);
  const view = prepareHttpBody(new DataView(new ArrayBuffer(4), 1, 2))!;
  assert.equal(view.length, 2);
  const stream = prepareHttpBody(new Blob(["x"]).stream())!;
  assert.equal(stream.length, -1);
  assert.equal(stream.replayable, false);
  stream.open!();
  assert.throws(() => stream.open!());
  const iterable = prepareHttpBody([new Uint8Array([1])])!;
  assert.equal(iterable.replayable, false);
  assert.throws(() => prepareHttpBody(42 as unknown as string), TypeError);
});

Deno.test("encodeHttpMultipart() builds RFC 7578 bodies with escaping", async () => {
  const form = new FormData();
  form.append('na"me\n', "line1\nline2\rline3");
  form.append("file", new File(["\u00e9t\u00e9"], 'a"b.txt', { type: "text/plain" }));
  form.append("blob", new Blob([new Uint8Array([0, 1, 2])]));
  const body = encodeHttpMultipart(form, "BOUNDARY");
  const bytes = new Uint8Array(await new Response(body.open()).arrayBuffer());
  assert.equal(bytes.byteLength, body.length);
  const text = new TextDecoder().decode(bytes);
  assert.equal(body.contentType, "multipart/form-data; boundary=BOUNDARY");
  assert.ok(
    text.includes(
      '--BOUNDARY\r\nContent-Disposition: form-data; name="na%22me%0D%0A"\r\n\r\nline1\r\nline2\r\nline3\r\n',
    ),
  );
  assert.ok(
    text.includes(
      'name="file"; filename="a%22b.txt"\r\nContent-Type: text/plain\r\n\r\n\u00e9t\u00e9\r\n',
    ),
  );
  assert.ok(
    text.includes(
      'name="blob"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\0\x01\x02\r\n',
    ),
  );
  assert.ok(text.endsWith("--BOUNDARY--\r\n"));
  // Re-openable: a second read gives the same bytes.
  const again = new Uint8Array(await new Response(body.open()).arrayBuffer());
  assert.deepEqual(again, bytes);
});

Deno.test("parseHttpAuthChallenges() handles lists, quoting and token68", () => {
  const parsed = parseHttpAuthChallenges(
    'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple", Bearer abc.def==',
  );
  assert.equal(parsed.length, 3);
  assert.deepEqual(parsed[0], {
    scheme: "newauth",
    params: { realm: "apps", type: "1", title: 'Login to "apps"' },
  });
  assert.deepEqual(parsed[1], { scheme: "basic", params: { realm: "simple" } });
  assert.equal(parsed[2]!.token68, "abc.def==");
  assert.deepEqual(parseHttpAuthChallenges(""), []);
});

Deno.test("chooseHttpAuthChallenge() prefers the strongest supported scheme", () => {
  const pick = (v: string) => chooseHttpAuthChallenge(parseHttpAuthChallenges(v));
  assert.equal(pick('Basic realm="x"')?.scheme, "basic");
  assert.equal(pick('Basic realm="x", Digest realm="x", nonce="n"')?.scheme, "digest");
  assert.equal(
    pick(
      'Digest realm="x", nonce="n", algorithm=MD5, Digest realm="x", nonce="n", algorithm=SHA-256',
    )
      ?.params.algorithm,
    "SHA-256",
  );
  assert.equal(pick('Digest realm="x", nonce="n", algorithm=SHA-1'), undefined);
  assert.equal(pick('Digest realm="x", nonce="n", qop="auth-int"')?.scheme, "digest");
  assert.equal(pick('Digest realm="x", nonce="n", qop="auth-conf"'), undefined);
  assert.equal(pick("Bearer realm=x"), undefined);
});

Deno.test("httpDigestAuthorization() matches RFC 7616 §3.9.1 for MD5 and SHA-256", () => {
  const challenge = (algorithm: string) =>
    parseHttpAuthChallenges(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    )[0]!;
  const request = {
    username: "Mufasa",
    password: "Circle of Life",
    method: "GET",
    uri: "/dir/index.html",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  };
  const md5 = httpDigestAuthorization(challenge("MD5"), request);
  assert.match(md5, /response="8ca523f5e9506fed4657c9700eebdbec"/);
  assert.match(
    md5,
    /nc=00000001, cnonce="f2\/wE4q74E6zIJEtWaHKaf5wv\/H5QzzpXusqGemxURZJ", qop=auth/,
  );
  assert.match(md5, /opaque="FQhe\/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"/);
  const sha = httpDigestAuthorization(challenge("SHA-256"), request);
  assert.match(sha, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
  // -sess and userhash change the result; legacy (no qop) too.
  assert.doesNotMatch(httpDigestAuthorization(challenge("MD5-sess"), request), /8ca523f5/);
  const legacy = httpDigestAuthorization(
    parseHttpAuthChallenges('Digest realm="r", nonce="n"')[0]!,
    request,
  );
  assert.doesNotMatch(legacy, /qop=/);
  const hashed = httpDigestAuthorization(
    parseHttpAuthChallenges('Digest realm="r", nonce="n", qop=auth, userhash=true')[0]!,
    request,
  );
  assert.doesNotMatch(hashed, /username="Mufasa"/);
  assert.match(hashed, /userhash=true/);
});

Deno.test("httpBasicAuthorization() encodes UTF-8 credentials", () => {
  assert.equal(
    httpBasicAuthorization({ username: "test", password: "123\u00a3" }),
    "Basic dGVzdDoxMjPCow==",
  );
});

Deno.test("httpNoProxyMatches() honours hosts, dots, ports, wildcards and CIDR", () => {
  const cases: [string, string, boolean][] = [
    ["http://example.com/", "example.com", true],
    ["http://www.example.com/", "example.com", true],
    ["http://www.example.com/", ".example.com", true],
    ["http://example.com/", ".example.com", true],
    ["http://notexample.com/", "example.com", false],
    ["http://a.b.internal/", "*.internal", true],
    ["http://anything/", "*", true],
    ["http://example.com:8080/", "example.com:8080", true],
    ["http://example.com/", "example.com:8080", false],
    ["https://example.com/", "example.com:443", true],
    ["http://10.1.2.3/", "10.0.0.0/8", true],
    ["http://11.1.2.3/", "10.0.0.0/8", false],
    ["http://127.0.0.1:3000/", "127.0.0.1", true],
    ["http://[::1]:3000/", "::1", true],
    ["http://[::1]:3000/", "[::1]:3000", true],
    ["http://[::1]:3000/", "[::1]:4000", false],
    ["http://EXAMPLE.com/", "Example.COM", true],
    ["http://example.com/", "other.org, example.com", true],
    ["http://example.com/", "other.org example.com", true],
    ["http://example.com/", "", false],
  ];
  for (const [url, list, expected] of cases) {
    assert.equal(httpNoProxyMatches(new URL(url), list), expected, `${url} vs ${list}`);
  }
});

Deno.test("httpProxyFor() picks by scheme and honours noProxy", () => {
  const config = { http: "proxy:8080", https: "http://user:pw@secure:3128", noProxy: ".local" };
  assert.equal(httpProxyFor(new URL("http://a.example/"), config)?.href, "http://proxy:8080/");
  assert.equal(httpProxyFor(new URL("https://a.example/"), config)?.username, "user");
  assert.equal(httpProxyFor(new URL("https://x.local/"), config), null);
  assert.equal(httpProxyFor(new URL("http://a.example/"), {}), null);
  // SOCKS5 proxies are taken for both schemes.
  assert.equal(httpProxyFor(new URL("http://a/"), { http: "socks5://p:1" })?.href, "socks5://p:1");
  const socks = { https: "socks5h://u:s3cret@p:1080", noProxy: ".local" };
  assert.equal(httpProxyFor(new URL("https://a/"), socks)?.protocol, "socks5h:");
  assert.equal(httpProxyFor(new URL("https://x.local/"), socks), null);
  // Another scheme is said plainly, without the proxy's password.
  for (const proxy of ["socks4://u:s3cret@p:1080", "ftp://u:s3cret@p"]) {
    assert.throws(
      () => httpProxyFor(new URL("https://a/"), { https: proxy }),
      (error: unknown) =>
        error instanceof TypeError && /proxy for HTTP: supported are/.test(error.message) &&
        !error.message.includes("s3cret"),
    );
  }
});

interface RedirectCase {
  status: number;
  method: string;
  location: string;
  url?: string;
  expected: { url: string; method: string; dropBody: boolean } | null;
}

Deno.test("httpRedirect() applies RFC 9110 method and body rules", () => {
  const cases: RedirectCase[] = [
    {
      status: 301,
      method: "GET",
      location: "/b",
      expected: { url: "http://a/b", method: "GET", dropBody: false },
    },
    {
      status: 301,
      method: "POST",
      location: "/b",
      expected: { url: "http://a/b", method: "GET", dropBody: true },
    },
    {
      status: 302,
      method: "POST",
      location: "/b",
      expected: { url: "http://a/b", method: "GET", dropBody: true },
    },
    {
      status: 302,
      method: "PUT",
      location: "/b",
      expected: { url: "http://a/b", method: "PUT", dropBody: false },
    },
    {
      status: 303,
      method: "PUT",
      location: "/b",
      expected: { url: "http://a/b", method: "GET", dropBody: true },
    },
    {
      status: 303,
      method: "HEAD",
      location: "/b",
      expected: { url: "http://a/b", method: "HEAD", dropBody: false },
    },
    {
      status: 307,
      method: "POST",
      location: "/b",
      expected: { url: "http://a/b", method: "POST", dropBody: false },
    },
    {
      status: 308,
      method: "PUT",
      location: "b",
      url: "http://a/x/y",
      expected: { url: "http://a/x/b", method: "PUT", dropBody: false },
    },
    {
      status: 302,
      method: "GET",
      location: "/b",
      url: "http://a/x#frag",
      expected: { url: "http://a/b#frag", method: "GET", dropBody: false },
    },
    {
      status: 302,
      method: "GET",
      location: "/b#new",
      url: "http://a/x#frag",
      expected: { url: "http://a/b#new", method: "GET", dropBody: false },
    },
    { status: 304, method: "GET", location: "/b", expected: null },
    { status: 300, method: "GET", location: "/b", expected: null },
  ];
  for (const c of cases) {
    const step = httpRedirect(c.status, c.location, {
      url: new URL(c.url ?? "http://a/"),
      method: c.method,
      headers: [],
    });
    const got = step && { url: step.url.href, method: step.method, dropBody: step.dropBody };
    assert.deepEqual(got, c.expected, `${c.status} ${c.method}`);
  }
  assert.equal(
    httpRedirect(302, null, { url: new URL("http://a/"), method: "GET", headers: [] }),
    null,
  );
  assert.throws(
    () => httpRedirect(302, "ftp://a/", { url: new URL("http://a/"), method: "GET", headers: [] }),
    HttpRedirectError,
  );
  assert.throws(
    () =>
      httpRedirect(302, "http://[bad", { url: new URL("http://a/"), method: "GET", headers: [] }),
    HttpRedirectError,
  );
});

Deno.test("httpRedirect() strips credentials across origins and body fields with the body", () => {
  const headers: [string, string][] = [
    ["Authorization", "Basic x"],
    ["Cookie", "a=b"],
    ["Content-Type", "text/plain"],
    ["Host", "a"],
    ["X-Keep", "1"],
  ];
  const from = { url: new URL("http://a/"), method: "POST", headers };
  const same = httpRedirect(307, "/b", from)!;
  assert.deepEqual(same.headers.map(([n]) => n), [
    "Authorization",
    "Cookie",
    "Content-Type",
    "X-Keep",
  ]);
  const cross = httpRedirect(307, "http://b/", from)!;
  assert.deepEqual(cross.headers.map(([n]) => n), ["Content-Type", "X-Keep"]);
  const port = httpRedirect(307, "http://a:81/", from)!;
  assert.deepEqual(port.headers.map(([n]) => n), ["Content-Type", "X-Keep"]);
  const toGet = httpRedirect(303, "/b", from)!;
  assert.deepEqual(toGet.headers.map(([n]) => n), ["Authorization", "Cookie", "X-Keep"]);
});
