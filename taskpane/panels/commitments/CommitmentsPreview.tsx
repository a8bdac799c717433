import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tableHeaderCellClassNames, tokens } from "@fluentui/react-components";
import type { CommitmentsTable } from "../../../shared/commitmentsTable";
import { formatMoney, formatNumber, plural } from "../../components/format";
import { describeValuation } from "../packs/packDraft";

/** Enough rows to check the import by eye; the total covers them all. */
const SHOWN_ROWS = 100;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  table: { tableLayout: "auto", overflowWrap: "break-word" },
  nowrap: { whiteSpace: "nowrap" },
  // A header cell lays its label out with flex, so text-align alone would leave it on the left, away from its figures.
  number: { textAlign: "right", whiteSpace: "nowrap", [`& .${tableHeaderCellClassNames.button}`]: { justifyContent: "flex-end" } },
  total: { fontWeight: tokens.fontWeightSemibold },
});

/** The commitments as they would be saved, each valued with the contract's pack. */
export function CommitmentsPreview({ read }: { read: CommitmentsTable }) {
  const styles = useStyles();
  const shown = read.rows.slice(0, SHOWN_ROWS);
  const more = read.rows.length - shown.length;
  return (
    <div className={styles.root}>
      <Table size="extra-small" aria-label="Commitments to save" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.nowrap}>Row</TableHeaderCell>
            <TableHeaderCell className={styles.nowrap}>Measure</TableHeaderCell>
            <TableHeaderCell>Supplier</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Quantity</TableHeaderCell>
            <TableHeaderCell className={styles.number}>£ per unit</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Value</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map(({ row, commitment, measure, value }) => (
            <TableRow key={row}>
              <TableCell className={styles.nowrap}>{row}</TableCell>
              <TableCell className={styles.nowrap}>
                <abbr title={measure.description}>{measure.code}</abbr>
              </TableCell>
              <TableCell>{commitment.supplier ?? ""}</TableCell>
              <TableCell className={styles.number}>
                {formatNumber(commitment.quantity)} {measure.unit}
              </TableCell>
              <TableCell className={styles.number}>{describeValuation(measure)}</TableCell>
              <TableCell className={styles.number}>{value === null ? "not valued" : formatMoney(value)}</TableCell>
            </TableRow>
          ))}
          <TableRow className={styles.total}>
            <TableCell>Total</TableCell>
            <TableCell>{plural(read.rows.length, "commitment")}</TableCell>
            <TableCell />
            <TableCell />
            <TableCell />
            <TableCell className={styles.number}>{formatMoney(read.total)}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      {more > 0 && <Text size={200}>The first {SHOWN_ROWS} rows are shown; the total covers all {formatNumber(read.rows.length)}.</Text>}
    </div>
  );
}
