import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tableHeaderCellClassNames, tokens } from "@fluentui/react-components";
import type { CommitmentsTable } from "../../../shared/commitmentsTable";
import { formatMoney, formatNumber, formatQuantity } from "../../components/format";
import { plural } from "../../../shared";
import { describeValuation } from "../packs/packDraft";

/** Enough rows to check the import by eye; the total covers them all. */
const SHOWN_ROWS = 100;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  table: { tableLayout: "auto", overflowWrap: "break-word" },
  nowrap: { whiteSpace: "nowrap" },
  // A header cell lays its label out with flex, so text-align alone would leave it on the left, away from its figures.
  number: { textAlign: "right", whiteSpace: "nowrap", [`& .${tableHeaderCellClassNames.button}`]: { justifyContent: "flex-end" } },
  quantity: { textAlign: "right" },
  total: { fontWeight: tokens.fontWeightSemibold },
});

interface Props {
  read: Pick<CommitmentsTable, "rows" | "total">;
  label: string;
  /**
   * "selection": rows imported from the worksheet, numbered as read, with the £ per unit to check
   * them by; "contract": what the contract has now, narrow enough for a 320px pane.
   */
  of: "selection" | "contract";
}

/** Commitments, each valued with the contract's pack. */
export function CommitmentsPreview({ read, label, of }: Props) {
  const styles = useStyles();
  const numbered = of === "selection";
  const shown = read.rows.slice(0, SHOWN_ROWS);
  const more = read.rows.length - shown.length;
  return (
    <div className={styles.root}>
      <Table size="extra-small" aria-label={label} className={styles.table}>
        <TableHeader>
          <TableRow>
            {numbered && <TableHeaderCell className={styles.nowrap}>Row</TableHeaderCell>}
            <TableHeaderCell className={styles.nowrap}>Measure</TableHeaderCell>
            <TableHeaderCell>Supplier</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Quantity</TableHeaderCell>
            {numbered && <TableHeaderCell className={styles.number}>£ per unit</TableHeaderCell>}
            <TableHeaderCell className={styles.number}>Value</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map(({ row, commitment, measure, value }) => (
            <TableRow key={row}>
              {numbered && <TableCell className={styles.nowrap}>{row}</TableCell>}
              <TableCell className={styles.nowrap}>
                <abbr title={measure.description}>{measure.code}</abbr>
              </TableCell>
              <TableCell>{commitment.supplier ?? ""}</TableCell>
              {/* "120 tonnes CO2e" may wrap between its words; the figures beside it do not. */}
              <TableCell className={styles.quantity}>{formatQuantity(commitment.quantity, measure.unit)}</TableCell>
              {numbered && <TableCell className={styles.number}>{describeValuation(measure)}</TableCell>}
              <TableCell className={styles.number}>{value === null ? "not valued" : formatMoney(value)}</TableCell>
            </TableRow>
          ))}
          <TableRow className={styles.total}>
            {numbered && <TableCell>Total</TableCell>}
            <TableCell>{numbered ? plural(read.rows.length, "commitment") : "Total"}</TableCell>
            <TableCell />
            <TableCell />
            {numbered && <TableCell />}
            <TableCell className={styles.number}>{formatMoney(read.total)}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      {more > 0 && <Text size={200}>The first {SHOWN_ROWS} rows are shown; the total covers all {formatNumber(read.rows.length)}.</Text>}
    </div>
  );
}
