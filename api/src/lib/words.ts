/** "1 problem", "3 problems": a count with its noun, for messages people read. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
