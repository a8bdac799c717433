import { forwardRef } from "react";
import { Text, makeStyles } from "@fluentui/react-components";
import type { SelectedTable } from "../workbookGateway";

const useStyles = makeStyles({
  // Focus lands here after an import so screen readers announce the result; no ring for a heading.
  heading: { margin: 0, outlineStyle: "none" },
});

interface Props {
  id: string;
  table: SelectedTable;
}

/** The heading above an import preview, naming the table or cells it was read from. */
export const ImportedFromHeading = forwardRef<HTMLHeadingElement, Props>(function ImportedFromHeading({ id, table }, ref) {
  const styles = useStyles();
  return (
    <Text as="h3" size={400} weight="semibold" id={id} ref={ref} tabIndex={-1} className={styles.heading}>
      Imported from {table.tableName ? `table ${table.tableName} (${table.address})` : table.address}
    </Text>
  );
});
