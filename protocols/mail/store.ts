// Copyright 2026 the portline authors. MIT license.
/**
 * Where the in-process servers keep mail: the SMTP/LMTP server delivers into
 * a {@linkcode MailStore}, the POP3 and IMAP servers read from it, so a
 * message sent over SMTP can be read back over POP3 and IMAP.
 *
 * @module
 */

/** One stored message. */
export interface StoredMessage {
  /** Unique and stable within its mailbox (POP3 UIDL, IMAP UID). */
  uid: number;
  /** IMAP-style flags, e.g. `"\\Seen"`. */
  flags: Set<string>;
  /** The size in bytes (CRLF line ends). */
  size: number;
  /** When it was delivered. */
  internalDate: Date;
  /** The message bytes, CRLF line ends, not dot-stuffed. */
  bytes: Uint8Array;
}

/** A set of mailboxes, keyed by user name (and an optional folder). */
export interface MailStore {
  /**
   * Delivers a message.
   *
   * @param mailbox The mailbox (a user name, or `user/Folder`).
   * @param bytes The message, CRLF line ends.
   * @returns The stored message.
   */
  deliver(mailbox: string, bytes: Uint8Array): Promise<StoredMessage>;
  /**
   * Lists a mailbox in delivery order.
   *
   * @param mailbox The mailbox.
   * @returns Its messages (empty for an unknown mailbox).
   */
  list(mailbox: string): Promise<StoredMessage[]>;
  /**
   * Deletes messages by uid.
   *
   * @param mailbox The mailbox.
   * @param uids The messages to remove.
   */
  delete(mailbox: string, uids: readonly number[]): Promise<void>;
  /**
   * Names the mailboxes that exist.
   *
   * @returns The mailbox names.
   */
  mailboxes(): Promise<string[]>;
}

/**
 * A {@linkcode MailStore} in memory.
 *
 * @example Usage
 * ```ts
 * import { MemoryMailStore } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryMailStore();
 * await store.deliver("ann", new TextEncoder().encode("Subject: hi\r\n\r\nbody\r\n"));
 * const [message] = await store.list("ann");
 * assert.equal(message!.uid, 1);
 * ```
 */
export class MemoryMailStore implements MailStore {
  #boxes = new Map<string, { next: number; messages: StoredMessage[] }>();

  #box(mailbox: string) {
    let box = this.#boxes.get(mailbox);
    if (!box) {
      box = { next: 1, messages: [] };
      this.#boxes.set(mailbox, box);
    }
    return box;
  }

  /**
   * Delivers a message.
   *
   * @example Usage
   * ```ts
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryMailStore();
   * const stored = await store.deliver("ann", new TextEncoder().encode("Subject: a\r\n\r\n"));
   * assert.equal(stored.uid, 1);
   * assert.equal(stored.size, 14);
   * ```
   *
   * @param mailbox The mailbox.
   * @param bytes The message.
   * @returns The stored message.
   */
  deliver(mailbox: string, bytes: Uint8Array): Promise<StoredMessage> {
    const box = this.#box(mailbox);
    const message: StoredMessage = {
      uid: box.next++,
      flags: new Set(),
      size: bytes.byteLength,
      internalDate: new Date(),
      bytes,
    };
    box.messages.push(message);
    return Promise.resolve(message);
  }

  /**
   * Lists a mailbox.
   *
   * @example Usage
   * ```ts
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryMailStore();
   * await store.deliver("ann", new TextEncoder().encode("Subject: a\r\n\r\n"));
   * assert.deepEqual((await store.list("ann")).map((m) => m.uid), [1]);
   * assert.deepEqual(await store.list("nobody"), []);
   * ```
   *
   * @param mailbox The mailbox.
   * @returns Its messages.
   */
  list(mailbox: string): Promise<StoredMessage[]> {
    return Promise.resolve([...(this.#boxes.get(mailbox)?.messages ?? [])]);
  }

  /**
   * Deletes messages.
   *
   * @example Usage
   * ```ts
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryMailStore();
   * for (const s of ["a", "b"]) await store.deliver("ann", new TextEncoder().encode(s));
   * await store.delete("ann", [1]);
   * assert.deepEqual((await store.list("ann")).map((m) => m.uid), [2]);
   * ```
   *
   * @param mailbox The mailbox.
   * @param uids The uids to remove.
   */
  delete(mailbox: string, uids: readonly number[]): Promise<void> {
    const box = this.#boxes.get(mailbox);
    if (box) {
      const gone = new Set(uids);
      box.messages = box.messages.filter((message) => !gone.has(message.uid));
    }
    return Promise.resolve();
  }

  /**
   * Names the mailboxes.
   *
   * @example Usage
   * ```ts
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryMailStore();
   * await store.deliver("bob", new TextEncoder().encode("x"));
   * assert.deepEqual(await store.mailboxes(), ["bob"]);
   * ```
   *
   * @returns The names.
   */
  mailboxes(): Promise<string[]> {
    return Promise.resolve([...this.#boxes.keys()]);
  }
}
