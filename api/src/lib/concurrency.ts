/**
 * Runs `work` over `items` with at most `limit` in flight, answering in the items' order. Storage
 * and Graph both punish unbounded fan-out, and a plain Promise.all would start everything at once.
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T);
      }
    }),
  );
  return out;
}
