import { Spinner } from "@fluentui/react-components";
import type { Loaded } from "../apiClient";
import { ApiProblemNotice } from "./ApiProblemNotice";

interface Props {
  state: Loaded<unknown>;
  /** Shown beside the spinner while loading (unless the load reports its own progress). */
  loading: string;
  /** What did not happen, e.g. "The contracts could not be loaded." */
  failed: string;
  onRetry: () => void;
}

/** A load in progress (a spinner) or failed (the problem with Retry); nothing once loaded. */
export function LoadStatus({ state, loading, failed, onRetry }: Props) {
  if (state.status === "loading") return <Spinner size="tiny" labelPosition="after" label={state.progress ?? loading} />;
  if (state.status === "error") return <ApiProblemNotice title={failed} error={state.error} onRetry={onRetry} />;
  return null;
}
