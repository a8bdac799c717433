import { useEffect, useMemo, useRef, useState } from "react";
import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Text,
} from "@fluentui/react-components";
import { findMeasure, indexPack, plural, sumPounds, valueOrNull } from "../../../shared";
import type { Commitment, Contract, FrameworkPack, PackIndex } from "../../../shared";
import { commitmentsFromRows } from "../../../shared/commitmentsTable";
import type { CommitmentRow, CommitmentsTable } from "../../../shared/commitmentsTable";
import { useLoad } from "../../apiClient";
import { LoadStatus } from "../../components/LoadStatus";
import { NO_WORKBOOK_EXPLANATION_ID } from "../../components/NoWorkbookNotice";
import { Outcome, OutcomeNotice } from "../../components/OutcomeNotice";
import { ProblemList } from "../../components/ProblemList";
import { formatMoney } from "../../components/format";
import type { SelectedTable, WorkbookGateway } from "../../workbookGateway";
import { firstRowOf } from "../packs/packDraft";
import { CommitmentsApi, commitmentsToSave, problemsOnRows } from "./commitmentsApi";
import { CommitmentsPreview } from "./CommitmentsPreview";
import { ImportedFromHeading } from "../../components/ImportedFromHeading";
import { usePanelStyles } from "../../components/layout";

interface Basis {
  /** What the contract has committed now: saving replaces it. */
  current: Commitment[];
  pack: FrameworkPack;
  index: PackIndex;
}

interface Draft {
  table: SelectedTable;
  read: CommitmentsTable;
}

export interface CommitmentsEditorProps {
  gateway: WorkbookGateway;
  api: CommitmentsApi;
  contract: Contract;
  /** Told after a save, so panels showing totals load them again. */
  onSaved: () => void;
}

const DRAFT_HEADING_ID = "commitments-draft-heading";
const SAVE_HINT_ID = "commitments-save-hint";

/**
 * The commitments already saved, valued with the contract's pack, in the order they were saved;
 * a measure no longer in the pack counts nothing and is named apart.
 */
function committedNow(commitments: readonly Commitment[], index: PackIndex): { rows: CommitmentRow[]; total: number; notInPack: string[] } {
  const rows: CommitmentRow[] = [];
  const notInPack: string[] = [];
  commitments.forEach((commitment, i) => {
    const measure = findMeasure(index, commitment.measureCode);
    if (measure) rows.push({ row: i + 1, commitment, measure, value: valueOrNull(measure, commitment.quantity) });
    else notInPack.push(commitment.measureCode);
  });
  return { rows, total: sumPounds(rows.map((r) => r.value)), notInPack };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Import a contract's committed quantities from a worksheet table, check them against its pack, save them. */
export function CommitmentsEditor({ gateway, api, contract, onSaved }: CommitmentsEditorProps) {
  const layout = usePanelStyles();
  const inExcel = gateway.isInExcel();
  const basis = useLoad<Basis>(contract.id, async (signal) => {
    const [detail, pack] = await Promise.all([api.getContract(contract.id, { signal }), api.getPack(contract.packId, contract.packEdition)]);
    return { current: detail.value.commitments, pack, index: indexPack(pack) };
  });
  const [draft, setDraft] = useState<Draft>();
  const [busy, setBusy] = useState<"reading" | "saving">();
  const [notice, setNotice] = useState<Outcome>();
  const [focusNext, setFocusNext] = useState<"notice" | "draft">();
  const noticeRef = useRef<HTMLDivElement>(null);
  const draftHeadingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (focusNext === "notice") noticeRef.current?.focus();
    if (focusNext === "draft") draftHeadingRef.current?.focus();
    setFocusNext(undefined);
  }, [focusNext]);

  const loaded = basis.state.status === "ok" ? basis.state.data : undefined;
  const committed = useMemo(() => (loaded ? committedNow(loaded.current, loaded.index) : undefined), [loaded]);

  async function importFromSelection(index: PackIndex) {
    setBusy("reading");
    setNotice(undefined);
    try {
      const table = await gateway.readSelectedTable();
      setDraft({ table, read: commitmentsFromRows(table.values, index) });
      setFocusNext("draft");
    } catch (err) {
      setNotice({ intent: "error", title: "The selection could not be read.", message: message(err) });
      setFocusNext("notice");
    } finally {
      setBusy(undefined);
    }
  }

  async function save(current: Draft) {
    setBusy("saving");
    setNotice(undefined);
    try {
      const saved = await api.putCommitments(contract.id, commitmentsToSave(current.read.rows));
      basis.update((b) => ({ ...b, current: saved }));
      setDraft(undefined);
      setNotice({
        intent: "success",
        title: "Commitments saved.",
        message: `Contract ${contract.id} now has ${plural(saved.length, "commitment")}, worth ${formatMoney(current.read.total)} with pack ${contract.packId} ${contract.packEdition}.`,
      });
      onSaved();
    } catch (err) {
      setNotice({ intent: "error", title: "The commitments were not saved.", message: message(err), problems: problemsOnRows(err, current.read.rows), retry: () => void save(current) });
    } finally {
      setBusy(undefined);
      setFocusNext("notice");
    }
  }

  const workbookButtonProps = !inExcel
    ? { disabledFocusable: true, "aria-describedby": NO_WORKBOOK_EXPLANATION_ID }
    : { disabledFocusable: busy !== undefined };
  const headerRow = draft && firstRowOf(draft.table.address);
  const problems = draft?.read.problems ?? [];

  return (
    <div className={layout.sections}>
      <LoadStatus
        state={basis.state}
        loading="Loading the contract's commitments and pack…"
        failed={`Contract ${contract.id}'s commitments could not be loaded.`}
        onRetry={basis.retry}
      />
      {busy && <Spinner size="tiny" labelPosition="after" label={busy === "reading" ? "Reading the selection…" : "Saving the commitments…"} />}

      {notice && <OutcomeNotice ref={noticeRef} outcome={notice} />}

      {loaded && (
        <>
          <section className={layout.section} aria-labelledby="commitments-current-heading">
            <Subtitle2 as="h3" id="commitments-current-heading" className={layout.heading}>
              Committed now
            </Subtitle2>
            <Text>
              {loaded.current.length === 0
                ? `Contract ${contract.id} has no commitments recorded yet.`
                : `Contract ${contract.id} has ${plural(loaded.current.length, "commitment")}, worth ${formatMoney(committed?.total ?? 0)} with pack ${loaded.pack.id} ${loaded.pack.edition}.`}
            </Text>
            {committed && committed.rows.length > 0 && <CommitmentsPreview read={committed} label={`Commitments of contract ${contract.id}`} of="contract" />}
            {committed && committed.notInPack.length > 0 && (
              <Text>
                Not in pack {loaded.pack.id} {loaded.pack.edition}, so valued at nothing: {committed.notInPack.join(", ")}.
              </Text>
            )}
            {loaded.pack.illustrative && (
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>Illustrative values.</MessageBarTitle> This contract is pinned to the example pack, so the £ values here are made
                  up and not for real evaluations.
                </MessageBarBody>
              </MessageBar>
            )}
          </section>

          <section className={layout.section} aria-labelledby="commitments-import-heading">
            <Subtitle2 as="h3" id="commitments-import-heading" className={layout.heading}>
              Import commitments
            </Subtitle2>
            <Text>
              Select your table of commitments, header row included, or a cell in it: a measure code column (Measure ref, Code or Ref) and a
              quantity column (Quantity, Committed, Target or Qty); Supplier and Note columns are optional.
            </Text>
            <div className={layout.actions}>
              <Button appearance={draft ? "secondary" : "primary"} {...workbookButtonProps} onClick={() => importFromSelection(loaded.index)}>
                {draft ? "Import the selection again" : "Import from selection"}
              </Button>
            </div>
          </section>

          {draft && (
            <section className={layout.section} aria-labelledby={DRAFT_HEADING_ID}>
              <ImportedFromHeading id={DRAFT_HEADING_ID} ref={draftHeadingRef} table={draft.table} />
              {problems.length > 0 && (
                <>
                  <MessageBar intent="error" layout="multiline">
                    <MessageBarBody>
                      <MessageBarTitle>{plural(problems.length, "problem")} in this table.</MessageBarTitle> Fix them in the worksheet, then import the
                      selection again. Nothing is saved until the table has none.
                    </MessageBarBody>
                  </MessageBar>
                  {headerRow !== undefined && headerRow > 1 && (
                    <Text>Rows are counted from the top of the selection (row 1), which is row {headerRow} of the worksheet.</Text>
                  )}
                  <ProblemList problems={problems} label="Problems in the selected table" />
                </>
              )}
              {draft.read.rows.length > 0 && <CommitmentsPreview read={draft.read} label="Commitments to save" of="selection" />}
              <Text id={SAVE_HINT_ID} role="note">
                {problems.length > 0
                  ? "Saving waits until every problem is fixed."
                  : `Saving replaces the contract's ${plural(loaded.current.length, "current commitment")} with these ${plural(draft.read.rows.length, "commitment")}.`}
              </Text>
              <div className={layout.actions}>
                <Button
                  appearance="primary"
                  disabledFocusable={busy !== undefined || problems.length > 0}
                  aria-describedby={SAVE_HINT_ID}
                  onClick={() => save(draft)}
                >
                  Save to contract {contract.id}
                </Button>
                <Button disabledFocusable={busy !== undefined} onClick={() => setDraft(undefined)}>
                  Cancel import
                </Button>
              </div>
            </section>
          )}
        </>
      )}
    </div>
  );
}
