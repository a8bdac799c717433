import { forwardRef } from "react";
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { Problem } from "../../shared";
import { ProblemList } from "./ProblemList";

export interface Outcome {
  intent: "success" | "error";
  title: string;
  message: string;
  /** Listed one per line under the message, each with where and why. */
  problems?: readonly Problem[];
  /** Shown as a Retry button. */
  retry?: () => void;
}

/** What an action (an import, a save, a pin) came to; focusable, so the pane can move focus to it. */
export const OutcomeNotice = forwardRef<HTMLDivElement, { outcome: Outcome }>(function OutcomeNotice({ outcome }, ref) {
  const { intent, title, message, problems = [], retry } = outcome;
  return (
    <MessageBar ref={ref} tabIndex={-1} intent={intent} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle> {message}
        {problems.length > 0 && <ProblemList problems={problems} label="What was wrong" />}
      </MessageBarBody>
      {retry && (
        <MessageBarActions>
          <Button size="small" onClick={retry}>
            Retry
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
});
