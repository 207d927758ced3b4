// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  parsePop3Status,
  Pop3AuthenticationError,
  Pop3ReplyError,
  pop3ReplyError,
} from "../../protocols/pop3/mod.ts";
import { AuthenticationError, PortlineError, ReplyError } from "../../protocols/_core/mod.ts";

Deno.test("Pop3ReplyError carries the response code and transience", () => {
  const error = pop3ReplyError("RETR 1", parsePop3Status("-ERR [SYS/TEMP] disk busy")!);
  assert.ok(error instanceof Pop3ReplyError);
  assert.ok(error instanceof ReplyError);
  assert.ok(error instanceof PortlineError);
  assert.ok(!(error instanceof AuthenticationError));
  assert.equal(error.code, "ERR_POP3_REPLY");
  assert.equal(error.name, "Pop3ReplyError");
  assert.equal(error.responseCode, "SYS/TEMP");
  assert.equal(error.transient, true);
  assert.equal(error.response, "disk busy");
  assert.equal(error.command, "RETR 1");
  assert.equal(error.replyCode, 0);
  assert.equal(error.message, 'Cannot RETR 1: the server said "[SYS/TEMP] disk busy"');
});

Deno.test("pop3ReplyError() makes login refusals authentication errors", () => {
  const plain = pop3ReplyError("PASS ***", parsePop3Status("-ERR bad")!, { login: true });
  assert.ok(plain instanceof Pop3AuthenticationError);
  assert.ok(plain instanceof AuthenticationError);
  assert.ok(plain instanceof Pop3ReplyError);
  assert.equal(plain.code, "ERR_POP3_AUTH");
  assert.equal(plain.message, 'Cannot PASS: the server said "bad"');
  const coded = pop3ReplyError("PASS ***", parsePop3Status("-ERR [AUTH] bad")!, { login: true });
  assert.ok(coded instanceof Pop3AuthenticationError);
  assert.equal(coded.transient, false);
  const inUse = pop3ReplyError("PASS ***", parsePop3Status("-ERR [IN-USE] locked")!, {
    login: true,
  });
  assert.ok(!(inUse instanceof AuthenticationError));
  assert.ok(inUse instanceof Pop3ReplyError);
  assert.equal(inUse.transient, true);
  const delay = pop3ReplyError("USER ann", parsePop3Status("-ERR [LOGIN-DELAY] wait")!, {
    login: true,
  });
  assert.equal(delay.responseCode, "LOGIN-DELAY");
  assert.equal(delay.transient, true);
});

Deno.test("Pop3ReplyError's instanceof does not leak to other reply errors", () => {
  class SubError extends Pop3ReplyError {
    static override readonly brand: string = "SubError";
  }
  const auth = new Pop3AuthenticationError("x", { response: "x" });
  assert.ok(!(auth instanceof SubError));
  assert.ok(!(new ReplyError("x", { replyCode: 500, response: "x" }) instanceof Pop3ReplyError));
  assert.ok(
    !(new AuthenticationError("x", { replyCode: 535, response: "x" }) instanceof Pop3ReplyError),
  );
  assert.ok(!((null as unknown) instanceof Pop3ReplyError));
});
