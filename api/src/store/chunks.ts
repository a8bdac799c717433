/**
 * A Table Storage string property holds at most 64 KiB (32K UTF-16 characters); an entity holds
 * 1 MiB. Long text (raw submissions, packs, evidence lists) is split across `name`, `name_1`, ….
 */
const CHUNK = 30_000;

export function toChunks(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = { [name]: text.slice(0, CHUNK) };
  for (let i = 1; i * CHUNK < text.length; i++) out[`${name}_${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

export function fromChunks(entity: Record<string, unknown>, name: string): string {
  let text = typeof entity[name] === "string" ? (entity[name] as string) : "";
  for (let i = 1; typeof entity[`${name}_${i}`] === "string"; i++) text += entity[`${name}_${i}`] as string;
  return text;
}
