import type { ReactNode } from "react";
import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { plural } from "../../shared";
import type { Problem } from "../../shared";
import { ProblemList } from "./ProblemList";

interface Props {
  problems: readonly Problem[];
  /** Where to fix them and what to do next, e.g. "Fix them in the worksheet, then import the selection again." */
  fix: string;
  /** The list's accessible name. */
  label: string;
  /** Shown between the notice and the list, e.g. how rows are counted. */
  children?: ReactNode;
}

/** An imported table that cannot be used (a pack, a crosswalk): how many problems, where to fix them, then each with its row and column. */
export function TableProblems({ problems, fix, label, children }: Props) {
  return (
    <>
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{plural(problems.length, "problem")} in this table.</MessageBarTitle> {fix}
        </MessageBarBody>
      </MessageBar>
      {children}
      <ProblemList problems={problems} label={label} />
    </>
  );
}
