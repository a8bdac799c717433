import type { Timer } from "../../api/src/graph/retry";

/**
 * Virtual time for pacing and back-off tests: `sleep` never waits for real. Each sleeper is woken
 * in time order, one wake-up per turn of the event loop, so minutes of Retry-After and token
 * waits pass in milliseconds while real HTTP to the fake Graph still happens.
 */
export class VirtualTimer implements Timer {
  private current: number;
  private sleepers: Array<{ at: number; wake: () => void }> = [];
  private scheduled = false;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.sleepers.push({ at: this.current + Math.max(0, ms), wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.at - b.at);
      const first = this.sleepers[0];
      if (!first) return;
      this.current = Math.max(this.current, first.at);
      const due = this.sleepers.filter((s) => s.at <= this.current);
      this.sleepers = this.sleepers.filter((s) => s.at > this.current);
      for (const s of due) s.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}
