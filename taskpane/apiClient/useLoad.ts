import { useCallback, useEffect, useState } from "react";

export type Loaded<T> =
  | { status: "loading"; progress?: string }
  | { status: "ok"; data: T }
  | { status: "error"; error: unknown };

export interface LoadControls<T> {
  state: Loaded<T>;
  /** Loads again (after an error, or to refresh). */
  retry: () => void;
  /** Replaces the loaded data, e.g. with a row the officer just reviewed. */
  update: (change: (data: T) => T) => void;
}

const LOADING = { status: "loading" } as const;

/**
 * Runs `load` when `key` changes (and on retry), cancelling the previous run so a slow answer for
 * an earlier contract never lands on a later one. A run cancelled that way is not an error.
 * What was loaded is kept with its key, so the render in which the key changes already shows
 * "loading" rather than the previous key's data.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal, progress: (text: string) => void) => Promise<T>): LoadControls<T> {
  const [stored, setStored] = useState<{ key: string; state: Loaded<T> }>({ key, state: LOADING });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const set = (state: Loaded<T>) => {
      if (!controller.signal.aborted) setStored({ key, state });
    };
    set(LOADING);
    load(controller.signal, (progress) => set({ status: "loading", progress })).then(
      (data) => set({ status: "ok", data }),
      (error: unknown) => set({ status: "error", error }),
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `key` says when what it loads has changed.
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback(
    (change: (data: T) => T) => setStored((s) => (s.state.status === "ok" ? { key: s.key, state: { status: "ok", data: change(s.state.data) } } : s)),
    [],
  );
  return { state: stored.key === key ? stored.state : LOADING, retry, update };
}
