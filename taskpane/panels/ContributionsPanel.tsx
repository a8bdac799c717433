import { KeyboardEvent, ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Button,
  Checkbox,
  Field,
  ProgressBar,
  Select,
  Subtitle1,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { PanelHeading } from "../components/PanelHeading";
import { EVIDENCE_STATUSES, indexPack, plural, todayIn } from "../../shared";
import type { Contract, Contribution, ContributionDetail, EvidenceStatus, FrameworkPack } from "../../shared";
import { useLoad } from "../apiClient";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import { formatNumber } from "../components/format";
import { ORGANISATION_TIME_ZONE } from "../config";
import type { PanelProps } from "./PanelProps";
import { ContributionDetailView } from "./contributions/ContributionDetail";
import { ContributionGrid } from "./contributions/ContributionGrid";
import { SyncButton } from "../sync/SyncButton";
import { ALL, Filters, NO_FILTERS, Sort, applyFilters, nextSort, sortRows, suppliersOf, toRows } from "./contributions/gridModel";
import { usePanelStyles } from "../components/layout";

const useStyles = makeStyles({
  filters: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(128px, 1fr))", gap: tokens.spacingHorizontalS, alignItems: "end" },
  // Fluent's Select keeps its own minimum width; in a grid cell of a 320px pane it must shrink to fit.
  filter: { minWidth: 0 },
  select: { minWidth: 0, width: "100%" },
  detail: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  focusTarget: { outlineStyle: "none" },
});

/** Contributions of the picked contract: filter, sort, open one to see and review its evidence. */
export function ContributionsPanel(props: PanelProps) {
  const layout = usePanelStyles();
  const selected = props.contract.selected;
  if (!selected) {
    return (
      <div className={layout.panel}>
        <Subtitle1 as="h2" className={layout.heading}>
          Contributions
        </Subtitle1>
        <Text>Pick a contract first: its contributions are listed here.</Text>
        <div className={layout.actions}>
          <Button appearance="primary" onClick={() => props.showPanel("contracts")}>
            Choose a contract
          </Button>
        </div>
      </div>
    );
  }
  return <ContractContributions key={selected.id} {...props} selectedContract={selected} />;
}

interface Loaded {
  pack: FrameworkPack;
  items: Contribution[];
}

const DEFAULT_SORT: Sort = { key: "due", direction: "ascending" };

function withoutAudit({ audit: _audit, ...contribution }: ContributionDetail): Contribution {
  return contribution;
}

function ContractContributions({ api, gateway, user, ledger, selectedContract: contract }: PanelProps & { selectedContract: Contract }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  // The commitments the sync writes beside the contributions; loaded again whenever they may have changed.
  const contractDetail = useLoad(`${contract.id} ${ledger.version}`, (signal) => api.getContract(contract.id, { signal }));
  const load = useLoad<Loaded>(contract.id, async (signal, progress) => {
    const [pack, items] = await Promise.all([
      api.getPack(contract.packId, contract.packEdition),
      api.listContributions({ contractId: contract.id }, { signal, onProgress: (loaded) => progress(`${plural(loaded, "contribution")} loaded…`) }),
    ]);
    return { pack, items };
  });
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [openId, setOpenId] = useState<string>();

  const data = load.state.status === "ok" ? load.state.data : undefined;
  const pack = useMemo(() => (data ? indexPack(data.pack) : undefined), [data]);
  const today = todayIn(ORGANISATION_TIME_ZONE, new Date());
  const rows = useMemo(() => (data && pack ? toRows(data.items, pack, today) : []), [data, pack, today]);
  const suppliers = useMemo(() => suppliersOf(rows), [rows]);
  const visible = useMemo(() => sortRows(applyFilters(rows, filters), sort), [rows, filters, sort]);

  const items = useRef(data?.items);
  items.current = data?.items;
  const { update } = load;
  const { changed } = ledger;
  const onChanged = useCallback(
    (detail: ContributionDetail) => {
      const before = items.current?.find((item) => item.id === detail.id);
      update((d) => ({ ...d, items: d.items.map((item) => (item.id === detail.id ? withoutAudit(detail) : item)) }));
      // Contracts' delivered totals count accepted evidence: they are stale once a review lands.
      if (before && (before.evidenceStatus !== detail.evidenceStatus || before.reviewedAt !== detail.reviewedAt)) changed();
    },
    [update, changed],
  );

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const filtered = visible.length !== rows.length;

  return (
    <div className={layout.panel}>
      {/* The list stays mounted (hidden) while a contribution is open, so filters, sort and scroll survive.
          `hidden` sits on a class-less wrapper: a class setting `display` would override it. */}
      <div hidden={openId !== undefined}>
        <div className={layout.panel}>
        <PanelHeading title={`Contributions to ${contract.id}`} onRefresh={load.state.status !== "loading" ? load.retry : undefined} />

        {load.state.status === "loading" && (
          <>
            <ProgressBar aria-label="Loading contributions" />
            <Text role="status">{load.state.progress ?? "Loading contributions…"}</Text>
          </>
        )}
        {load.state.status === "error" && <ApiProblemNotice title="The contributions could not be loaded." error={load.state.error} onRetry={load.retry} />}

        {data && pack && (
          <>
            {contractDetail.state.status === "ok" && (
              // Every contribution of the contract, whatever the filters: rows missing from the list would leave the table.
              <SyncButton gateway={gateway} contract={contract} contributions={data.items} commitments={contractDetail.state.data.value.commitments} packs={api} performance={api} />
            )}
            {contractDetail.state.status === "error" && (
              <ApiProblemNotice title={`Contract ${contract.id}'s commitments could not be loaded, so it cannot be synced to the workbook.`} error={contractDetail.state.error} onRetry={contractDetail.retry} />
            )}

            <div className={styles.filters} role="group" aria-label="Filter contributions">
              <Field label="Evidence" size="small" className={styles.filter}>
                <Select size="small" className={styles.select} value={filters.status} onChange={(_e, d) => set("status", d.value as EvidenceStatus | typeof ALL)}>
                  <option value={ALL}>Any state</option>
                  {EVIDENCE_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Supplier" size="small" className={styles.filter}>
                <Select size="small" className={styles.select} value={filters.supplier} onChange={(_e, d) => set("supplier", d.value)}>
                  <option value={ALL}>All suppliers</option>
                  {suppliers.map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Theme" size="small" className={styles.filter}>
                <Select size="small" className={styles.select} value={filters.theme} onChange={(_e, d) => set("theme", d.value)}>
                  <option value={ALL}>All themes</option>
                  {pack.pack.themes.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </Select>
              </Field>
              <Checkbox label="Overdue only" checked={filters.overdueOnly} onChange={(_e, d) => set("overdueOnly", d.checked === true)} />
              <Checkbox label="Needs a look" checked={filters.needsLookOnly} onChange={(_e, d) => set("needsLookOnly", d.checked === true)} />
            </div>

            <div className={layout.actions}>
              <Text role="status">
                {filtered ? `Showing ${formatNumber(visible.length)} of ${plural(rows.length, "contribution")}.` : `${plural(rows.length, "contribution")}.`}
              </Text>
              {filtered && (
                <Button size="small" appearance="subtle" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </Button>
              )}
            </div>

            {rows.length === 0 ? (
              <Text>No contributions reported for {contract.id} yet.</Text>
            ) : visible.length === 0 ? (
              <Text>No contributions match these filters.</Text>
            ) : (
              <ContributionGrid
                rows={visible}
                sort={sort}
                onSort={(key) => setSort((s) => nextSort(s, key))}
                onOpen={setOpenId}
                label={`Contributions to ${contract.id}`}
                hidden={openId !== undefined}
              />
            )}
          </>
        )}
        </div>
      </div>

      {openId && pack && (
        <OpenContribution
          id={openId}
          onClose={() => setOpenId(undefined)}
          detail={<ContributionDetailView key={openId} id={openId} api={api} pack={pack} canReview={user?.roles.includes("Officer") === true} onChanged={onChanged} onOpen={setOpenId} />}
        />
      )}
    </div>
  );
}

/** One contribution in place of the list (a 320px pane has no room for both), with the way back. */
function OpenContribution({ id, onClose, detail }: { id: string; onClose: () => void; detail: ReactNode }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  };
  return (
    <section className={styles.detail} aria-labelledby="open-contribution-heading" onKeyDown={onKeyDown}>
      <div className={layout.actions}>
        <Button size="small" onClick={onClose}>
          Back to contributions
        </Button>
      </div>
      <Text as="h3" size={400} weight="semibold" id="open-contribution-heading" ref={headingRef} tabIndex={-1} className={mergeClasses(layout.heading, styles.focusTarget)}>
        Contribution {id}
      </Text>
      {detail}
    </section>
  );
}
