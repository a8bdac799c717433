import { useState } from "react";
import { Button, Subtitle2, Text, makeStyles, tokens } from "@fluentui/react-components";
import { KPI_RATING_LABELS, OCDS_RATING, performanceNoticeCsv, performanceNoticeRelease } from "../../../shared";
import type { Assessment, Contract } from "../../../shared";
import { download } from "../../components/download";
import { formatDate } from "../../components/format";
import { usePanelStyles } from "../../components/layout";

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  item: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  table: { borderCollapse: "collapse", width: "100%", tableLayout: "fixed", overflowWrap: "anywhere" },
  cell: { textAlign: "left", verticalAlign: "top", padding: tokens.spacingHorizontalXS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

/** Each assessment's contract performance notice (UK9): a preview to check, and the CSV or OCDS JSON to download. */
export function NoticeList({ contract, assessments }: { contract: Contract; assessments: readonly Assessment[] }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const [open, setOpen] = useState<string>();
  return (
    <section className={layout.section} aria-labelledby="notices-heading">
      <Subtitle2 as="h3" id="notices-heading" className={layout.heading}>
        Contract performance notices
      </Subtitle2>
      <Text>Check each notice, then enter it on Find a Tender yourself: the ledger does not publish to Find a Tender.</Text>
      {assessments.length === 0 && <Text>No assessment recorded yet.</Text>}
      <ul className={styles.list} aria-label="Assessments">
        {[...assessments].reverse().map((a) => {
          const name = `${contract.id}-${a.id}-UK9`;
          return (
            <li key={a.id} className={styles.item}>
              <Text weight="semibold">
                {formatDate(a.periodStart)} to {formatDate(a.periodEnd)}
                {a.final ? " (final)" : ""}
              </Text>
              <div className={layout.actions}>
                <Button size="small" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? undefined : a.id)}>
                  {open === a.id ? "Hide notice" : "Preview notice"}
                </Button>
                <Button size="small" onClick={() => download(`${name}.csv`, performanceNoticeCsv(a), "text/csv")}>
                  Download CSV
                </Button>
                <Button size="small" onClick={() => download(`${name}.json`, JSON.stringify(performanceNoticeRelease(contract, a), null, 2), "application/json")}>
                  Download OCDS JSON
                </Button>
              </div>
              {open === a.id && (
                <table className={styles.table} aria-label={`Notice for ${formatDate(a.periodStart)} to ${formatDate(a.periodEnd)}`}>
                  <thead>
                    <tr>
                      <th scope="col" className={styles.cell}>KPI</th>
                      <th scope="col" className={styles.cell}>Rating</th>
                      <th scope="col" className={styles.cell}>OCDS</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.ratings.map((r) => (
                      <tr key={r.kpiId}>
                        <th scope="row" className={styles.cell}>
                          {r.kpiId} {r.name}
                          {r.material ? " (material)" : ""}
                        </th>
                        <td className={styles.cell}>
                          {KPI_RATING_LABELS[r.rating]}
                          {r.explanation ? `: ${r.explanation}` : ""}
                        </td>
                        <td className={styles.cell}>{OCDS_RATING[r.rating]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
