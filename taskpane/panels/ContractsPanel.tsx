import {
  Badge,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Subtitle2,
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
import { PanelHeading } from "../components/PanelHeading";
import { contractProgress, indexPack, plural, socialValueRatio } from "../../shared";
import type { Contract, ContractDetail, ContractProgress, FrameworkPack, ValueAnswer } from "../../shared";
import type { ApiClient } from "../apiClient";
import { useLoad } from "../apiClient";
import { FactList } from "../components/FactList";
import { LoadStatus } from "../components/LoadStatus";
import { formatDate, formatMoney, formatPercent } from "../components/format";
import type { PanelProps } from "./PanelProps";
import { EmailAddress } from "../components/EmailAddress";
import { usePanelStyles } from "../components/layout";

const useStyles = makeStyles({
  choice: { display: "flex", flexDirection: "column", overflowWrap: "anywhere" },
  table: { tableLayout: "auto" },
  // A header cell lays its label out with flex, so text-align alone would leave it on the left, away from its figures.
  number: { textAlign: "right", whiteSpace: "nowrap", [`& .${tableHeaderCellClassNames.button}`]: { justifyContent: "flex-end" } },
  total: { fontWeight: tokens.fontWeightSemibold },
});

/** Contracts: pick the one to work on; see its value, pack, and committed against delivered social value. */
export function ContractsPanel({ api, contract, ledger }: PanelProps) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const contracts = useLoad("contracts", (signal) => api.listContracts({ signal }));
  const selected = contract.selected;

  return (
    <div className={layout.sections}>
      <section className={layout.section} aria-labelledby="contracts-heading">
        <PanelHeading title={"Contracts"} id="contracts-heading" onRefresh={contracts.state.status === "ok" ? contracts.retry : undefined} />
        <LoadStatus state={contracts.state} loading="Loading contracts…" failed="The contracts could not be loaded." onRetry={contracts.retry} />
        {contracts.state.status === "ok" &&
          (contracts.state.data.length === 0 ? (
            <Text>No contracts yet. Contracts are created through the API (POST /api/contracts) with their pinned framework pack.</Text>
          ) : (
            <RadioGroup
              aria-labelledby="contracts-heading"
              value={selected?.id ?? ""}
              onChange={(_e, data) => contract.select(contracts.state.status === "ok" ? contracts.state.data.find((c) => c.id === data.value) : undefined)}
            >
              {contracts.state.data.map((c) => (
                <Radio
                  key={c.id}
                  value={c.id}
                  label={
                    <span className={styles.choice}>
                      <span>
                        <strong>{c.id}</strong> {c.title}
                      </span>
                      <Text size={200}>{c.buyer}</Text>
                    </span>
                  }
                />
              ))}
            </RadioGroup>
          ))}
      </section>
      {selected && <ContractSummary key={selected.id} api={api} contract={selected} version={ledger.version} />}
    </div>
  );
}

interface Summary {
  detail: ContractDetail;
  pack: FrameworkPack;
  /** Committed against delivered by theme; only accepted contributions are loaded, as only they count as delivered. */
  value: ContractProgress;
  overdue: ValueAnswer | undefined;
}

function ContractSummary({ api, contract, version }: { api: ApiClient; contract: Contract; version: number }) {
  const layout = usePanelStyles();
  const summary = useLoad<Summary>(`${contract.id} ${version}`, async (signal) => {
    const [detail, pack, accepted, overdue] = await Promise.all([
      api.getContract(contract.id, { signal }),
      api.getPack(contract.packId, contract.packEdition),
      api.listContributions({ contractId: contract.id, status: "accepted" }, { signal }),
      api.values([{ kind: "overdue", contract: contract.id }], { signal }),
    ]);
    return { detail: detail.value, pack, value: contractProgress(indexPack(pack), detail.value.commitments, accepted), overdue: overdue[0] };
  });
  const headingId = "contract-summary-heading";

  return (
    <section className={layout.section} aria-labelledby={headingId}>
      <Subtitle2 as="h3" id={headingId} className={layout.heading}>
        {contract.id}: {contract.title}
      </Subtitle2>
      <LoadStatus state={summary.state} loading="Loading the contract's social value…" failed={`Contract ${contract.id} could not be loaded.`} onRetry={summary.retry} />
      {summary.state.status === "ok" && <SummaryView summary={summary.state.data} />}
    </section>
  );
}

function overdueText(answer: ValueAnswer | undefined): string {
  if (!answer) return "not known";
  if (!answer.ok) return `not known: ${answer.error.message}`;
  return answer.value === 0 ? "none" : plural(answer.value, "contribution");
}

function SummaryView({ summary }: { summary: Summary }) {
  const styles = useStyles();
  const { detail, pack, value } = summary;
  const overdueCount = summary.overdue?.ok ? summary.overdue.value : 0;
  return (
    <>
      <FactList
        facts={[
          ["Buyer", detail.buyer],
          ["Contract value", formatMoney(detail.value)],
          ["Runs", `${formatDate(detail.startDate)} to ${formatDate(detail.endDate)}`],
          [
            "Contract manager",
            <>
              {detail.contractManager.name} (<EmailAddress email={detail.contractManager.email} />)
            </>,
          ],
          [
            "Framework pack",
            <>
              {pack.name} ({pack.id}, edition {pack.edition}){" "}
              {pack.illustrative && (
                <Badge appearance="tint" color="warning" size="small">
                  Example pack
                </Badge>
              )}
            </>,
          ],
          [
            "Overdue evidence",
            overdueCount > 0 ? (
              <Badge appearance="filled" color="danger">
                {overdueText(summary.overdue)}
              </Badge>
            ) : (
              overdueText(summary.overdue)
            ),
          ],
        ]}
      />
      {pack.illustrative && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Illustrative values.</MessageBarTitle> This contract is pinned to the example pack, so the £ figures below are
            made up and not for real evaluations.
          </MessageBarBody>
        </MessageBar>
      )}
      <Table size="extra-small" aria-label="Social value by theme" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Theme</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Committed</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Delivered</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {value.themes.map((line) => (
            <TableRow key={line.theme}>
              <TableCell>{line.theme}</TableCell>
              <TableCell className={styles.number}>{formatMoney(line.committed)}</TableCell>
              <TableCell className={styles.number}>{formatMoney(line.delivered)}</TableCell>
            </TableRow>
          ))}
          <TableRow className={styles.total}>
            <TableCell>Total</TableCell>
            <TableCell className={styles.number}>{formatMoney(value.committed)}</TableCell>
            <TableCell className={styles.number}>{formatMoney(value.delivered)}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      <Text>
        Delivered counts contributions whose evidence is accepted. So far {formatMoney(value.delivered)}
        {value.committed > 0 && ` of ${formatMoney(value.committed)} committed (${formatPercent(value.delivered / value.committed)})`}, which is{" "}
        {formatPercent(socialValueRatio(value.delivered, detail.value))} of the contract value.
      </Text>
    </>
  );
}
