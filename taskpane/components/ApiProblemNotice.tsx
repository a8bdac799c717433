import { forwardRef } from "react";
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { ApiProblem } from "../apiClient";
import { ProblemList } from "./ProblemList";

interface Props {
  /** What did not happen, e.g. "The contracts could not be loaded." */
  title: string;
  error: unknown;
  /** Shown as a Retry button: every failure the officer sees can be tried again. */
  onRetry: () => void;
  retryLabel?: string;
}

/** An API failure in words, with the fields it names and a Retry. */
export const ApiProblemNotice = forwardRef<HTMLDivElement, Props>(function ApiProblemNotice({ title, error, onRetry, retryLabel = "Retry" }, ref) {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiProblem ? error.details : [];
  return (
    <MessageBar ref={ref} tabIndex={-1} intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle> {message}
        {details.length > 0 && <ProblemList problems={details} label="What the API found" />}
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" onClick={onRetry}>
          {retryLabel}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
});
