import { createHash } from "node:crypto";

/**
 * Table keys may not hold / \ # ? or control characters, and '|' is our separator inside a key.
 * Free text (supplier names, pack editions) is escaped as ~XX per UTF-8 byte, so it stays readable
 * in Storage Explorer and never collides with another value.
 */
export function keyPart(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9 ._@-]/.test(ch) ? ch : `~${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Keys hold at most 1 KiB; escaped free text is kept well below that, with room for what is put around it. */
const MAX_FREE_TEXT_KEY = 400;

/**
 * `keyPart` for text whose escaped form may be too long for a key (a 200-character supplier name
 * in a script of 3-byte characters escapes to 1,800). Past the bound it is cut and ends in `~~` and
 * a digest of the whole text: `~` is otherwise always followed by two hex digits, so a cut key
 * never equals an uncut one, and two texts sharing the first characters still get different keys.
 * Not reversible once cut; readers compare the entity's own text, not the key.
 */
export function boundedKeyPart(text: string): string {
  const key = keyPart(text);
  return key.length <= MAX_FREE_TEXT_KEY ? key : `${key.slice(0, MAX_FREE_TEXT_KEY - 34)}~~${digest(text)}`;
}

export function fromKeyPart(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (key[i] === "~") {
      bytes.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(key.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Row key prefixes inside a contract's partition of the contributions table. */
export const ROW = {
  contribution: "c|",
  audit: "a|",
  formKey: "k|",
} as const;

/** Upper bound for a prefix range: '}' sorts right after '|'. */
export const prefixEnd = (prefix: string) => prefix.slice(0, -1) + "}";

/** A short, stable digest for keys built from long or arbitrary text (form id + response id). */
export function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
}

/**
 * A contract's contributions are spread over 32 partitions by the first character of their
 * reference (random or hashed, so evenly): `C-1001|7`. A busy contract then never makes one hot
 * partition (Azure serves about 2,000 entities/s per partition; Azurite's look-ups slow down as a
 * partition grows), and a contract's rows stay one PartitionKey range apart from every other contract.
 * The audit entries and dedupe keys of a contribution live in its partition, so they are written in
 * one transaction with it.
 */
export function contributionPartition(contractId: string, id: string): string {
  return `${contractId}|${id.charAt(3)}`;
}

/** The PartitionKey range holding every partition of a contract's contributions. */
export function contractPartitionRange(contractId: string): { from: string; to: string } {
  return { from: `${contractId}|`, to: `${contractId}}` };
}

/** Index and inbox partitions: a sortable prefix (a date) and a spread bucket, e.g. `2026-10-30|K`. */
export function bucketed(prefix: string, spread: string): string {
  return `${prefix}|${spread}`;
}
