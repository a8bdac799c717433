import { useEffect, useMemo, useRef, useState } from "react";
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle1,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { EXAMPLE_PACK, FrameworkPack, ValidationError } from "../../shared";
import { NO_WORKBOOK_EXPLANATION_ID } from "../components/NoWorkbookNotice";
import { Outcome, OutcomeNotice } from "../components/OutcomeNotice";
import { ProblemList } from "../components/ProblemList";
import { TableProblems } from "../components/TableProblems";
import type { WorkbookGateway } from "../workbookGateway";
import type { PanelProps } from "./PanelProps";
import { PackMetadataForm } from "./packs/PackMetadataForm";
import { PackPreview } from "./packs/PackPreview";
import { PackSummary } from "./packs/PackSummary";
import { PackDraft, checkDraft, defaultMetadata, firstRowOf } from "./packs/packDraft";
import { ImportedFromHeading } from "../components/ImportedFromHeading";
import { usePanelStyles } from "../components/layout";

type PinnedPack = { pack: FrameworkPack | undefined } | { damaged: unknown };

type Busy = "reading" | "pinning" | "unpinning";

const BUSY_LABEL: Record<Busy, string> = {
  reading: "Reading the selection…",
  pinning: "Pinning the pack and recalculating…",
  unpinning: "Unpinning and recalculating…",
};

/** A damaged setting is shown, with its problems, rather than quietly replaced by the example pack. */
function readPinned(gateway: WorkbookGateway): PinnedPack {
  try {
    return { pack: gateway.readPinnedPackSetting() };
  } catch (err) {
    return { damaged: err };
  }
}

function errorNotice(title: string, err: unknown): Outcome {
  if (err instanceof ValidationError) return { intent: "error", title, message: `${err.subject} is not valid:`, problems: err.problems };
  return { intent: "error", title, message: err instanceof Error ? err.message : String(err) };
}

const DRAFT_HEADING_ID = "packs-draft-heading";
const PIN_HINT_ID = "packs-pin-hint";

const useStyles = makeStyles({
  headingRow: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
});

export function PacksPanel({ gateway }: PanelProps) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const inExcel = gateway.isInExcel();
  const [pinned, setPinned] = useState<PinnedPack>(() => readPinned(gateway));
  const [draft, setDraft] = useState<PackDraft>();
  const [busy, setBusy] = useState<Busy>();
  const [notice, setNotice] = useState<Outcome>();
  const [focusNext, setFocusNext] = useState<"notice" | "draft" | "import">();
  const noticeRef = useRef<HTMLDivElement>(null);
  const draftHeadingRef = useRef<HTMLHeadingElement>(null);
  const importButtonRef = useRef<HTMLButtonElement>(null);

  const check = useMemo(() => (draft ? checkDraft(draft) : undefined), [draft]);

  // Move keyboard and screen-reader focus to what an action produced, once it is on screen.
  useEffect(() => {
    if (focusNext === "notice") noticeRef.current?.focus();
    if (focusNext === "draft") draftHeadingRef.current?.focus();
    if (focusNext === "import") importButtonRef.current?.focus();
    setFocusNext(undefined);
  }, [focusNext]);

  async function importFromSelection() {
    setBusy("reading");
    setNotice(undefined);
    try {
      const table = await gateway.readSelectedTable();
      setDraft({ table, metadata: defaultMetadata(table) });
      setFocusNext("draft");
    } catch (err) {
      setNotice(errorNotice("The selection could not be read.", err));
      setFocusNext("notice");
    } finally {
      setBusy(undefined);
    }
  }

  async function pin(pack: FrameworkPack) {
    setBusy("pinning");
    setNotice(undefined);
    try {
      await gateway.pinPack(pack);
      setDraft(undefined);
      setNotice({
        intent: "success",
        title: "Pinned to this workbook.",
        message: `${pack.name} (${pack.id}, edition ${pack.edition}) is pinned. The TOMS formulas were recalculated with its values.`,
      });
    } catch (err) {
      setNotice(errorNotice("Pinning did not finish.", err));
    } finally {
      setPinned(readPinned(gateway));
      setBusy(undefined);
      setFocusNext("notice");
    }
  }

  async function switchToExamplePack() {
    setBusy("unpinning");
    setNotice(undefined);
    try {
      await gateway.unpinPack();
      setNotice({
        intent: "success",
        title: "The example pack is in use.",
        message: "No pack is pinned to this workbook now. The TOMS formulas were recalculated with the example pack's illustrative values.",
      });
    } catch (err) {
      setNotice(errorNotice("Unpinning did not finish.", err));
    } finally {
      setPinned(readPinned(gateway));
      setBusy(undefined);
      setFocusNext("notice");
    }
  }

  // disabledFocusable keeps a busy or unavailable button in the tab order, so focus is not lost and
  // a screen reader can still reach the explanation.
  const workbookButtonProps = !inExcel
    ? { disabledFocusable: true, "aria-describedby": NO_WORKBOOK_EXPLANATION_ID }
    : { disabledFocusable: busy !== undefined };
  const pinnable = check?.ok === true && check.pinnable;
  const pinButtonProps = inExcel && !pinnable ? { disabledFocusable: true, "aria-describedby": PIN_HINT_ID } : workbookButtonProps;
  function cancelImport() {
    setDraft(undefined);
    setFocusNext("import");
  }

  const isPinned = "pack" in pinned && pinned.pack !== undefined;
  const firstRow = draft && firstRowOf(draft.table.address);
  // The shared loaders number rows within the selection; say where it starts on the worksheet.
  const rowsNote = firstRow !== undefined && firstRow > 1 && (
    <Text>Rows are counted from the top of the selection (row 1), which is row {firstRow} of the worksheet.</Text>
  );

  return (
    <div className={layout.sections}>
      <Subtitle1 as="h2" className={layout.heading}>
        Framework packs
      </Subtitle1>

      {busy && <Spinner size="tiny" labelPosition="after" label={BUSY_LABEL[busy]} />}

      {notice && <OutcomeNotice ref={noticeRef} outcome={notice} />}

      <section className={layout.section} aria-labelledby="packs-in-use-heading">
        <div className={styles.headingRow}>
          <Subtitle2 as="h3" id="packs-in-use-heading" className={layout.heading}>
            {inExcel ? "In use in this workbook" : "In use without a workbook"}
          </Subtitle2>
          {isPinned && (
            <Badge appearance="tint" color="brand">
              Pinned
            </Badge>
          )}
          {"pack" in pinned && !isPinned && (
            <Badge appearance="tint" color="warning">
              Example pack
            </Badge>
          )}
        </div>
        {"damaged" in pinned ? (
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>The pack pinned to this workbook cannot be read.</MessageBarTitle> Pin a pack again, or use the example
              pack.
              {pinned.damaged instanceof ValidationError ? (
                <ProblemList problems={pinned.damaged.problems} label="Why the pinned pack cannot be read" />
              ) : (
                <Text block>{pinned.damaged instanceof Error ? pinned.damaged.message : String(pinned.damaged)}</Text>
              )}
            </MessageBarBody>
          </MessageBar>
        ) : pinned.pack ? (
          <PackSummary pack={pinned.pack} />
        ) : (
          <>
            <Text>
              {inExcel
                ? "No pack is pinned to this workbook, so the TOMS formulas use the example pack."
                : "The TOMS formulas use the example pack until a pack is pinned to a workbook."}
            </Text>
            <PackSummary pack={EXAMPLE_PACK} />
          </>
        )}
        {(isPinned || "damaged" in pinned) && (
          <div className={layout.actions}>
            <Button {...workbookButtonProps} onClick={switchToExamplePack}>
              Use the example pack
            </Button>
          </div>
        )}
      </section>

      <section className={layout.section} aria-labelledby="packs-import-heading">
        <Subtitle2 as="h3" id="packs-import-heading" className={layout.heading}>
          Import a framework pack
        </Subtitle2>
        <Text>
          Select your table of measures as your council publishes it, or a cell in it, then import it. Title rows, section headings,
          totals and notes may stay: the preview says which rows and columns are not imported, and why.
        </Text>
        <div className={layout.actions}>
          <Button ref={importButtonRef} appearance={draft ? "secondary" : "primary"} {...workbookButtonProps} onClick={importFromSelection}>
            {draft ? "Import the selection again" : "Import from selection"}
          </Button>
        </div>
      </section>

      {draft && check && (
        <section className={layout.section} aria-labelledby={DRAFT_HEADING_ID}>
          <ImportedFromHeading id={DRAFT_HEADING_ID} ref={draftHeadingRef} table={draft.table} />
          {check.ok ? (
            <>
              <PackMetadataForm
                metadata={draft.metadata}
                errors={check.fieldErrors}
                disabled={busy !== undefined}
                onChange={(field, value) => setDraft({ ...draft, metadata: { ...draft.metadata, [field]: value } })}
              />
              <Subtitle2 as="h4" className={layout.heading}>
                Preview
              </Subtitle2>
              <PackPreview pack={check.pack} />
              {check.warnings.length > 0 && (
                <>
                  <MessageBar intent="warning" layout="multiline">
                    <MessageBarBody>
                      <MessageBarTitle>
                        {check.warnings.length === 1 ? "1 thing" : `${check.warnings.length} things`} in this table {check.warnings.length === 1 ? "is" : "are"} not
                        imported as written.
                      </MessageBarTitle>{" "}
                      Check each below; the pack can be pinned as it is, or fix the worksheet and import the selection again.
                    </MessageBarBody>
                  </MessageBar>
                  {rowsNote}
                  <ProblemList problems={check.warnings} label="Rows skipped and columns not used" />
                </>
              )}
              {!pinnable && (
                <Text id={PIN_HINT_ID} role="note">
                  Complete the fields above to pin this pack.
                </Text>
              )}
              <div className={layout.actions}>
                <Button appearance="primary" {...pinButtonProps} onClick={() => pin(check.pack)}>
                  Pin to this workbook
                </Button>
                <Button disabledFocusable={busy !== undefined} onClick={cancelImport}>
                  Cancel import
                </Button>
              </div>
            </>
          ) : (
            <>
              <TableProblems problems={check.problems} fix="Fix them in the worksheet, then import the selection again." label="Problems in the selected table">
                {rowsNote}
              </TableProblems>
              <div className={layout.actions}>
                <Button disabledFocusable={busy !== undefined} onClick={cancelImport}>
                  Cancel import
                </Button>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}
