// Copyright 2026 the portline authors. MIT license.
/**
 * The `Deno` surface `deno_test_bridge.mjs` provides under Node, as ambient
 * declarations. The build type-checks the test files against this (and
 * `@types/node`) only, so a test that uses any other `Deno.*` API fails to
 * compile and is reported. A string, not a `.d.ts` file, so that `deno check
 * scripts/` does not merge it with Deno's own `Deno` namespace.
 *
 * @module
 */

/** Ambient declarations of `Deno.test` and `Deno.env` (read-only). */
export const DENO_TEST_TYPES: string = `declare namespace Deno {
  interface TestContext {
    name: string;
    origin: string;
    parent?: TestContext;
    step(definition: TestStepDefinition): Promise<boolean>;
    step(name: string, fn: (t: TestContext) => void | Promise<void>): Promise<boolean>;
    step(fn: (t: TestContext) => void | Promise<void>): Promise<boolean>;
  }

  interface TestStepDefinition {
    fn: (t: TestContext) => void | Promise<void>;
    name: string;
    ignore?: boolean;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
    sanitizeExit?: boolean;
  }

  interface TestDefinition {
    fn: (t: TestContext) => void | Promise<void>;
    name: string;
    ignore?: boolean;
    only?: boolean;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
    sanitizeExit?: boolean;
    permissions?: unknown;
  }

  interface DenoTest {
    (t: TestDefinition): void;
    (name: string, fn: (t: TestContext) => void | Promise<void>): void;
    (fn: (t: TestContext) => void | Promise<void>): void;
    (
      name: string,
      options: Omit<TestDefinition, "fn" | "name">,
      fn: (t: TestContext) => void | Promise<void>,
    ): void;
    (
      options: Omit<TestDefinition, "fn" | "name">,
      fn: (t: TestContext) => void | Promise<void>,
    ): void;
    (options: Omit<TestDefinition, "fn">, fn: (t: TestContext) => void | Promise<void>): void;
    ignore: DenoTest;
    only: DenoTest;
  }

  const test: DenoTest;

  const env: {
    get(key: string): string | undefined;
    has(key: string): boolean;
  };
}

/** What the bridge installs; each compiled test file binds it as a local \`Deno\`. */
declare var __portlineDeno: typeof Deno;
`;
