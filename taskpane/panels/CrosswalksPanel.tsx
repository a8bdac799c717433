import { Button, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles } from "@fluentui/react-components";
import type { CrosswalkSummary } from "../../shared";
import { useLoad } from "../apiClient";
import { LoadStatus } from "../components/LoadStatus";
import { PanelHeading } from "../components/PanelHeading";
import { formatDateTime, formatNumber } from "../components/format";
import { usePanelStyles } from "../components/layout";
import type { PanelProps } from "./PanelProps";
import { CrosswalkImport } from "./crosswalks/CrosswalkImport";
import { CrosswalkReportView } from "./crosswalks/CrosswalkReportView";

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  num: { textAlign: "right" },
});

/**
 * Crosswalks between frameworks (docs/PROCUREMENT-ACT.md, "Crosswalks"): those stored, importing one
 * from a range or a CSV file, and the picked contract's delivery reported in another framework's codes.
 */
export function CrosswalksPanel({ api, gateway, contract, showPanel }: PanelProps) {
  const layout = usePanelStyles();
  const styles = useStyles();
  const load = useLoad<CrosswalkSummary[]>("crosswalks", (signal) => api.listCrosswalks({ signal }));
  const crosswalks = load.state.status === "ok" ? load.state.data : undefined;
  const selected = contract.selected;

  return (
    <div className={layout.sections}>
      <div className={layout.section}>
        <PanelHeading title="Crosswalks" onRefresh={crosswalks ? load.retry : undefined} />
        <Text>
          A crosswalk maps the measure codes of one framework pack to another (National TOMs, a local variant, the Social Value Model), so the same delivery can be
          reported in each.
        </Text>
        <LoadStatus state={load.state} loading="Loading the crosswalks…" failed="The crosswalks could not be loaded." onRetry={load.retry} />
      </div>
      {crosswalks && (
        <section className={layout.section} aria-labelledby="crosswalks-stored-heading">
          <Subtitle2 as="h3" id="crosswalks-stored-heading" className={layout.heading}>
            Stored crosswalks
          </Subtitle2>
          {crosswalks.length === 0 ? (
            <Text>No crosswalk is stored yet.</Text>
          ) : (
            <Table size="extra-small" className={styles.table}>
              <caption className={layout.caption}>Crosswalks in the ledger</caption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Id</TableHeaderCell>
                  <TableHeaderCell className={styles.num}>Mappings</TableHeaderCell>
                  <TableHeaderCell>Updated</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {crosswalks.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell>{c.name}</TableCell>
                    <TableCell>{c.id}</TableCell>
                    <TableCell className={styles.num}>{formatNumber(c.mappings)}</TableCell>
                    <TableCell>{formatDateTime(c.updatedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </section>
      )}
      <CrosswalkImport api={api} gateway={gateway} defaultFromPack={selected?.packId ?? ""} onSaved={() => load.retry()} />
      {crosswalks &&
        (selected ? (
          <CrosswalkReportView key={selected.id} api={api} contract={selected} crosswalks={crosswalks} />
        ) : (
          <section className={layout.section} aria-labelledby="crosswalk-report-heading">
            <Subtitle2 as="h3" id="crosswalk-report-heading" className={layout.heading}>
              A contract in another framework
            </Subtitle2>
            <Text>Pick a contract in Contracts to report its delivery through a crosswalk.</Text>
            <div className={layout.actions}>
              <Button onClick={() => showPanel("contracts")}>Go to Contracts</Button>
            </div>
          </section>
        ))}
    </div>
  );
}
