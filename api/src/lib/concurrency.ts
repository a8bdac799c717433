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

/**
 * Work on one key, within this instance, goes in turns, and items that arrive while a turn is
 * under way are done together in the next: a burst on one key (parallel submissions of one
 * supplier's claim, the Forms pull) costs a few read-modify-writes instead of colliding on the
 * ETag with itself. Other instances still meet at the ETag.
 */
export class Turns<T, R> {
  private readonly queues = new Map<string, { item: T; settle: (done: Promise<R>) => void }[]>();

  constructor(private readonly turn: (key: string, items: T[]) => Promise<R>) {}

  take(key: string, item: T): Promise<R> {
    const waiting = this.queues.get(key);
    const done = new Promise<R>((resolve, reject) => {
      const entry = { item, settle: (p: Promise<R>) => p.then(resolve, reject) };
      if (waiting) waiting.push(entry);
      else this.queues.set(key, [entry]);
    });
    if (!waiting) void this.run(key);
    return done;
  }

  private async run(key: string): Promise<void> {
    for (let batch = this.queues.get(key); batch && batch.length > 0; batch = this.queues.get(key)) {
      const items = batch.splice(0);
      const attempt = this.turn(key, items.map((w) => w.item));
      for (const w of items) w.settle(attempt);
      await attempt.catch(() => undefined);
    }
    this.queues.delete(key);
  }
}
