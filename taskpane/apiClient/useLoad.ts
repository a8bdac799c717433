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

/**
 * Runs `load` when `key` changes (and on retry), cancelling the previous run so a slow answer for
 * an earlier contract never lands on a later one. A run cancelled that way is not an error.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal, progress: (text: string) => void) => Promise<T>): LoadControls<T> {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    load(controller.signal, (progress) => {
      if (!controller.signal.aborted) setState({ status: "loading", progress });
    }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "ok", data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "error", error });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `key` says when what it loads has changed.
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => setState((s) => (s.status === "ok" ? { status: "ok", data: change(s.data) } : s)), []);
  return { state, retry, update };
}
