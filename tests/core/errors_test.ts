// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  ConnectionClosedError,
  PortlineError,
  ReplyError,
  TimeoutError,
} from "../../protocols/_core/mod.ts";

Deno.test("ReplyError carries the reply and marks 4xx transient", () => {
  const error = new ReplyError("Cannot send RCPT: 451 try later", {
    replyCode: 451,
    enhancedCode: "4.3.0",
    command: "RCPT TO:<a@b>",
    response: "try later",
  });
  assert.equal(error.code, "ERR_REPLY");
  assert.equal(error.transient, true);
  assert.equal(error.name, "ReplyError");
  assert.equal(new ReplyError("x", { replyCode: 550, response: "no" }).transient, false);
});

Deno.test("error classes keep instanceof across copies of the library (Symbol.for brands)", () => {
  const auth = new AuthenticationError("Cannot log in", { replyCode: 535, response: "bad" });
  assert.ok(auth instanceof AuthenticationError);
  assert.ok(auth instanceof ReplyError);
  assert.ok(auth instanceof PortlineError);
  assert.ok(auth instanceof Error);
  assert.ok(!(auth instanceof TimeoutError));
  // A plain object branded by "another copy" of the library is recognised.
  const foreign = Object.create(Error.prototype);
  foreign[Symbol.for("portline.error")] = ["TimeoutError", "PortlineError"];
  assert.ok(foreign instanceof TimeoutError);
  assert.ok(foreign instanceof PortlineError);
  assert.ok(!(foreign instanceof ConnectionClosedError));
  assert.ok(!({} instanceof PortlineError));
});

Deno.test("PortlineError keeps its cause", () => {
  const cause = new Error("ECONNRESET");
  const error = new ConnectionClosedError("Cannot read: reset", { cause });
  assert.equal(error.cause, cause);
  assert.equal(error.code, "ERR_CONNECTION_CLOSED");
});
