import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tableHeaderCellClassNames,
  tokens,
} from "@fluentui/react-components";
import type { FrameworkPack } from "../../../shared";
import { countByTheme, describeValuation } from "./packDraft";

/** Enough rows to recognise the table without pushing the Pin button far down a narrow pane. */
const FIRST_ROWS = 5;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  // Columns size to their longest word; only a word too long for the whole pane is broken.
  table: { tableLayout: "auto", overflowWrap: "break-word" },
  code: { whiteSpace: "nowrap" },
  // A header cell lays its label out with flex, so text-align alone would leave it on the left, away from its figures.
  number: { textAlign: "right", whiteSpace: "nowrap", [`& .${tableHeaderCellClassNames.button}`]: { justifyContent: "flex-end" } },
});

export function PackPreview({ pack }: { pack: FrameworkPack }) {
  const styles = useStyles();
  const first = pack.measures.slice(0, FIRST_ROWS);
  const more = pack.measures.length - first.length;
  return (
    <div className={styles.root}>
      <Text>
        {pack.measures.length} {pack.measures.length === 1 ? "measure" : "measures"} in {pack.themes.length}{" "}
        {pack.themes.length === 1 ? "theme" : "themes"}.
      </Text>
      <Table size="extra-small" aria-label="Measures by theme" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Theme</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Measures</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {countByTheme(pack).map(({ theme, measures }) => (
            <TableRow key={theme}>
              <TableCell>{theme}</TableCell>
              <TableCell className={styles.number}>{measures}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Table size="extra-small" aria-label="First measures in the pack" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.code}>Code</TableHeaderCell>
            <TableHeaderCell>Measure</TableHeaderCell>
            <TableHeaderCell>Unit</TableHeaderCell>
            <TableHeaderCell className={styles.number}>£ per unit</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {first.map((m) => (
            <TableRow key={m.code}>
              <TableCell className={styles.code}>{m.code}</TableCell>
              <TableCell>{m.description}</TableCell>
              <TableCell>{m.unit}</TableCell>
              <TableCell className={styles.number}>{describeValuation(m)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {more > 0 && (
        <Text size={200}>
          and {more} more {more === 1 ? "measure" : "measures"}.
        </Text>
      )}
    </div>
  );
}
