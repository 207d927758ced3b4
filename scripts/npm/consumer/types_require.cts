// Copyright 2026 the portline authors. MIT license.
// A CommonJS consumer (node16 / nodenext resolution picks the "require" types).
import core = require("portline/core");

export function code(): string {
  const error = new core.TimeoutError("Cannot read: timed out");
  return error instanceof core.PortlineError ? error.code : "";
}
