import { useMemo, useRef, useState } from "react";
import {
  Button,
  Field,
  Input,
  Label,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useId,
} from "@fluentui/react-components";
import { CrosswalkIdSchema, ValidationError, crosswalkFromRows, parseCsv, plural } from "../../../shared";
import type { Crosswalk, CrosswalkMapping, Problem } from "../../../shared";
import type { ApiClient } from "../../apiClient";
import { ApiProblemNotice } from "../../components/ApiProblemNotice";
import { NO_WORKBOOK_EXPLANATION_ID } from "../../components/NoWorkbookNotice";
import { OutcomeNotice } from "../../components/OutcomeNotice";
import type { Outcome } from "../../components/OutcomeNotice";
import { TableProblems } from "../../components/TableProblems";
import { formatNumber } from "../../components/format";
import { usePanelStyles } from "../../components/layout";
import type { WorkbookGateway } from "../../workbookGateway";
import { packIdFrom } from "../packs/packDraft";

/** Rows shown in the preview; the count covers them all. */
const PREVIEW_ROWS = 20;

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  file: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, maxWidth: "100%" },
});

/** Cells read from a worksheet range or a CSV file, and where they came from. */
interface Source {
  label: string;
  rows: readonly (readonly unknown[])[];
  /** A default name: the Excel table's or the file's. */
  name: string;
}

type Read = { ok: true; mappings: CrosswalkMapping[] } | { ok: false; problems: Problem[] };

function readMappings(source: Source, fromPack: string, toPack: string): Read {
  try {
    return { ok: true, mappings: crosswalkFromRows(source.rows, { ...(fromPack.trim() ? { fromPack: fromPack.trim() } : {}), ...(toPack.trim() ? { toPack: toPack.trim() } : {}) }) };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, problems: err.problems };
    throw err;
  }
}

/** jsdom and older WebViews have no Blob.text(); FileReader works in both. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read.`));
    reader.readAsText(file);
  });
}

interface Props {
  api: ApiClient;
  gateway: WorkbookGateway;
  /** The selected contract's pack, offered for a table without a From pack column. */
  defaultFromPack: string;
  onSaved(crosswalk: Crosswalk): void;
}

/** A crosswalk read from a worksheet range or a CSV file, as a pack is imported, previewed, then stored with PUT /api/crosswalks/{id}. */
export function CrosswalkImport({ api, gateway, defaultFromPack, onSaved }: Props) {
  const layout = usePanelStyles();
  const styles = useStyles();
  const inExcel = gateway.isInExcel();
  const [source, setSource] = useState<Source>();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [fromPack, setFromPack] = useState(defaultFromPack);
  const [toPack, setToPack] = useState("");
  const [busy, setBusy] = useState<"reading" | "saving">();
  const [readFailure, setReadFailure] = useState<Outcome>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState<Outcome>();
  const fileRef = useRef<HTMLInputElement>(null);
  const fileId = useId("crosswalk-csv");

  const read = useMemo(() => (source ? readMappings(source, fromPack, toPack) : undefined), [source, fromPack, toPack]);
  const idProblem = id.trim() === "" ? "Give the crosswalk an id, e.g. toms-to-svm." : CrosswalkIdSchema.safeParse(id.trim()).success ? undefined : "An id is lower-case letters, digits and '-', e.g. toms-to-svm.";
  const nameProblem = name.trim() === "" ? "Give the crosswalk a name." : undefined;

  function took(next: Source) {
    setSource(next);
    setSaved(undefined);
    setSaveError(undefined);
    setReadFailure(undefined);
    if (name.trim() === "") setName(next.name);
    if (id.trim() === "") setId(packIdFrom(next.name));
  }

  async function fromSelection() {
    setBusy("reading");
    try {
      const table = await gateway.readSelectedTable();
      took({ label: table.tableName ? `table ${table.tableName} (${table.address})` : table.address, rows: table.values, name: table.tableName ?? "" });
    } catch (err) {
      setReadFailure({ intent: "error", title: "The selection could not be read.", message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  }

  async function fromFile(file: File | undefined) {
    if (!file) return;
    setBusy("reading");
    try {
      took({ label: file.name, rows: parseCsv(await readText(file)), name: file.name.replace(/\.csv$/i, "") });
    } catch (err) {
      setReadFailure({ intent: "error", title: `${file.name} could not be read.`, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
      // The same file chosen again (after fixing it) is read again.
      if (fileRef.current) fileRef.current.value = "";
    }
  }

  async function save() {
    if (!read?.ok || idProblem || nameProblem) return;
    setBusy("saving");
    setSaveError(undefined);
    try {
      const stored = await api.putCrosswalk(id.trim(), { name: name.trim(), mappings: read.mappings });
      setSaved({ intent: "success", title: "Crosswalk saved.", message: `${stored.name} (${stored.id}) holds ${plural(stored.mappings.length, "mapping")}; it replaces any crosswalk of that id.` });
      setSource(undefined);
      onSaved(stored);
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(undefined);
    }
  }

  const workbookButton = inExcel ? { disabledFocusable: busy !== undefined } : { disabledFocusable: true, "aria-describedby": NO_WORKBOOK_EXPLANATION_ID };
  const savable = read?.ok === true && !idProblem && !nameProblem && busy === undefined;

  return (
    <section className={layout.section} aria-labelledby="crosswalk-import-heading">
      <Subtitle2 as="h3" id="crosswalk-import-heading" className={layout.heading}>
        Import a crosswalk
      </Subtitle2>
      <Text>
        Select a table with From code and To code columns (and, if you have them, From pack, To pack and Factor), or choose a CSV file with those headers.
        Title rows above the header and blank rows may stay. A table without pack columns maps between the two packs named below.
      </Text>
      <div className={layout.actions}>
        <Button {...workbookButton} onClick={() => void fromSelection()}>
          Import from selection
        </Button>
        <div className={styles.file}>
          <Label htmlFor={fileId}>Or a CSV file</Label>
          <input id={fileId} ref={fileRef} type="file" accept=".csv,text/csv" disabled={busy !== undefined} onChange={(e) => void fromFile(e.target.files?.[0])} />
        </div>
      </div>
      {readFailure && <OutcomeNotice outcome={readFailure} />}
      {saved && <OutcomeNotice outcome={saved} />}
      {source && read && (
        <>
          <Text as="h4" weight="semibold" className={layout.heading}>
            Read from {source.label}
          </Text>
          <Field label="Crosswalk id" validationMessage={idProblem} required>
            <Input value={id} onChange={(_e, d) => setId(d.value)} />
          </Field>
          <Field label="Name" validationMessage={nameProblem} required>
            <Input value={name} onChange={(_e, d) => setName(d.value)} />
          </Field>
          <Field label="From pack" hint="For rows without a From pack; usually the contract's pack">
            <Input value={fromPack} onChange={(_e, d) => setFromPack(d.value)} />
          </Field>
          <Field label="To pack" hint="For rows without a To pack, e.g. the Social Value Model pack you imported">
            <Input value={toPack} onChange={(_e, d) => setToPack(d.value)} />
          </Field>
          {read.ok ? (
            <>
              <Table size="extra-small" className={styles.table}>
                <caption className={layout.caption}>
                  {plural(read.mappings.length, "mapping")} read{read.mappings.length > PREVIEW_ROWS ? `, the first ${PREVIEW_ROWS} shown` : ""}
                </caption>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>From</TableHeaderCell>
                    <TableHeaderCell>To</TableHeaderCell>
                    <TableHeaderCell>Factor</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {read.mappings.slice(0, PREVIEW_ROWS).map((m) => (
                    <TableRow key={`${m.fromPack} ${m.fromCode} ${m.toPack} ${m.toCode}`}>
                      <TableCell>{`${m.fromPack} ${m.fromCode}`}</TableCell>
                      <TableCell>{`${m.toPack} ${m.toCode}`}</TableCell>
                      <TableCell>{formatNumber(m.factor)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <div className={layout.actions}>
                <Button appearance="primary" disabledFocusable={!savable} onClick={() => void save()}>
                  {busy === "saving" ? "Saving…" : "Save crosswalk"}
                </Button>
                <Button disabledFocusable={busy !== undefined} onClick={() => setSource(undefined)}>
                  Cancel import
                </Button>
              </div>
            </>
          ) : (
            <TableProblems problems={read.problems} fix="Fix them in the worksheet or the file, then import it again." label="Problems in the crosswalk table" />
          )}
          {saveError !== undefined && <ApiProblemNotice title="The crosswalk was not saved." error={saveError} onRetry={() => void save()} />}
        </>
      )}
    </section>
  );
}
