const COUNT = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

/** "1 contribution", "1,250 contributions": a count with its noun, for sentences people read. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${COUNT.format(count)} ${count === 1 ? one : many}`;
}
