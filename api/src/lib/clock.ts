/** Time comes from here, so tests can pin "today" and overdue rules can be checked on any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let at = new Date(iso);
  return {
    now: () => new Date(at),
    set: (next: string) => {
      at = new Date(next);
    },
  };
}
