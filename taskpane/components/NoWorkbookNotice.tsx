import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { NOT_IN_EXCEL_MESSAGE } from "../workbookGateway";

/** Panels point their disabled workbook buttons here with aria-describedby. */
export const NO_WORKBOOK_EXPLANATION_ID = "no-workbook-explanation";

export function NoWorkbookNotice() {
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody id={NO_WORKBOOK_EXPLANATION_ID}>
        <MessageBarTitle>No workbook.</MessageBarTitle> {NOT_IN_EXCEL_MESSAGE}
      </MessageBarBody>
    </MessageBar>
  );
}
