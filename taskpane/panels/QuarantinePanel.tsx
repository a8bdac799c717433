import { useEffect, useRef, useState } from "react";
import {
  Button,
  Field,
  Link,
  Spinner,
  Subtitle2,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { PanelHeading } from "../components/PanelHeading";
import type { QuarantineItem, QuarantineReason } from "../../shared";
import type { Page } from "../apiClient";
import { useLoad } from "../apiClient";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import { EmailAddress } from "../components/EmailAddress";
import { FactList } from "../components/FactList";
import { LoadStatus } from "../components/LoadStatus";
import { ProblemList } from "../components/ProblemList";
import { formatDateTime } from "../components/format";
import { parseJson, plural, quarantineReason } from "../../shared";
import type { PanelProps } from "./PanelProps";
import { usePanelStyles } from "../components/layout";

const useStyles = makeStyles({
  raw: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    maxHeight: "320px",
    overflowY: "auto",
  },
  sentences: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, overflowWrap: "anywhere" },
  details: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  summary: {
    cursor: "pointer",
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorBrandForeground1,
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
});

/** The raw body as the officer can read it: JSON indented; anything else exactly as it arrived. */
export function prettyRaw(raw: string): { text: string; json: boolean } {
  const parsed = parseJson(raw);
  return parsed.ok ? { text: JSON.stringify(parsed.value, null, 2), json: true } : { text: raw, json: false };
}

/** Submissions that failed validation: why, field by field, and what the supplier's form sent. */
export function QuarantinePanel({ api }: PanelProps) {
  const layout = usePanelStyles();
  const first = useLoad<Page<QuarantineItem>>("quarantine", (signal) => api.quarantinePage(undefined, { signal }));
  const [more, setMore] = useState<{ items: QuarantineItem[]; continuationToken?: string }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  // The mark is shown in place; the rest of the list, and any pages loaded, stay as they are.
  const [resolved, setResolved] = useState<ReadonlyMap<string, QuarantineItem>>(new Map());
  const markResolved = (item: QuarantineItem) => setResolved((m) => new Map(m).set(item.id, item));

  const loaded = first.state.status === "ok" ? [...first.state.data.items, ...(more?.items ?? [])] : [];
  const items = loaded.map((item) => resolved.get(item.id) ?? item);
  const nextToken = more ? more.continuationToken : first.state.status === "ok" ? first.state.data.continuationToken : undefined;

  // The "Load more" in flight: a refresh or closing the pane cancels it, so an older page never lands on a fresh list.
  const moreInFlight = useRef<AbortController>();
  useEffect(() => () => moreInFlight.current?.abort(), []);

  async function loadMore() {
    if (!nextToken) return;
    moreInFlight.current?.abort();
    const controller = new AbortController();
    moreInFlight.current = controller;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await api.quarantinePage(nextToken, { signal: controller.signal });
      if (controller.signal.aborted) return;
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], continuationToken: page.continuationToken }));
    } catch (err) {
      if (!controller.signal.aborted) setMoreError(err);
    } finally {
      if (!controller.signal.aborted) setLoadingMore(false);
    }
  }

  function refresh() {
    setResolved(new Map());
    moreInFlight.current?.abort();
    setLoadingMore(false);
    setMore(undefined);
    setMoreError(undefined);
    first.retry();
  }

  return (
    <div className={layout.panel}>
      <PanelHeading title={"Quarantine"} onRefresh={first.state.status === "ok" ? refresh : undefined} />
      <Text>Form submissions the ledger refused, kept with every reason and the answers as sent, so you can fix the form or contact the supplier.</Text>
      <LoadStatus state={first.state} loading="Loading quarantined submissions…" failed="The quarantine could not be loaded." onRetry={refresh} />
      {first.state.status === "ok" && items.length === 0 && <Text>Nothing in quarantine: every submission so far was valid.</Text>}
      {items.length > 0 && (
        <>
          <Text role="status">
            {plural(items.length, "submission")} shown, newest first{nextToken ? "; more are waiting" : ""}.
          </Text>
          <ul className={layout.cards} aria-label="Quarantined submissions">
            {items.map((item) => (
              <QuarantineEntry key={item.id} item={item} api={api} onResolved={markResolved} />
            ))}
          </ul>
        </>
      )}
      {moreError !== undefined && <ApiProblemNotice title="More submissions could not be loaded." error={moreError} onRetry={() => void loadMore()} />}
      {nextToken && (
        <div className={layout.actions}>
          <Button disabledFocusable={loadingMore} onClick={() => void loadMore()}>
            Load more
          </Button>
          {loadingMore && <Spinner size="tiny" labelPosition="after" label="Loading more…" />}
        </div>
      )}
    </div>
  );
}

const MAILTO_LIMIT = 1800;

/**
 * A ready-made email to the responder listing what to correct, or undefined when there is nobody to
 * write to or nothing the supplier can fix. Kept under the length mail programs reliably open.
 */
export function supplierEmailHref(item: QuarantineItem, reasons: readonly QuarantineReason[]): string | undefined {
  const theirs = reasons.filter((r) => r.fixedBy === "supplier").map((r) => r.sentence);
  if (!item.responder || !item.responder.includes("@") || theirs.length === 0) return undefined;
  const contract = item.contractRef ? ` for contract ${item.contractRef}` : "";
  const subject = `Your social value return${contract} could not be recorded`;
  const lead = `Hello,\n\nThe social value return you sent${contract} on ${formatDateTime(item.receivedAt)} could not be recorded:\n\n`;
  const close = "\nPlease send it again through the same form with these answers corrected.\n\nThank you";
  const href = (lines: string[], hidden: number) =>
    `mailto:${encodeURIComponent(item.responder ?? "")}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(
      `${lead}${lines.map((l) => `- ${l}`).join("\n")}${hidden > 0 ? `\n- …and ${plural(hidden, "more answer")} to correct` : ""}\n${close}`,
    )}`;
  let shown = theirs.length;
  while (shown > 1 && href(theirs.slice(0, shown), theirs.length - shown).length > MAILTO_LIMIT) shown -= 1;
  return href(theirs.slice(0, shown), theirs.length - shown);
}

function QuarantineEntry({ item, api, onResolved }: { item: QuarantineItem; api: PanelProps["api"]; onResolved: (item: QuarantineItem) => void }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const raw = prettyRaw(item.raw);
  const headingId = `quarantine-${item.id}`;
  const reasons = item.reasons.map(quarantineReason);
  const supplierReasons = reasons.filter((r) => r.fixedBy === "supplier");
  const flowReasons = reasons.filter((r) => r.fixedBy === "flow");
  const email = supplierEmailHref(item, reasons);
  return (
    <li className={layout.card} aria-labelledby={headingId}>
      <Subtitle2 as="h3" id={headingId} className={layout.heading}>
        {item.supplier ? `From ${item.supplier}` : "From a sender the submission does not name"}
      </Subtitle2>
      <FactList
        facts={[
          ["Sent by", item.responder ? <EmailAddress email={item.responder} /> : "not given"],
          ["Contract", item.contractRef ?? "not given"],
          ["Received", formatDateTime(item.receivedAt)],
        ]}
      />
      {supplierReasons.length > 0 && (
        <>
          <Text weight="semibold">{supplierReasons.length === 1 ? "What the supplier needs to correct" : `What the supplier needs to correct (${supplierReasons.length} answers)`}</Text>
          <SentenceList sentences={supplierReasons.map((r) => r.sentence)} label={`What to correct in the submission from ${item.supplier ?? "an unnamed sender"}`} />
        </>
      )}
      {flowReasons.length > 0 && (
        <>
          <Text weight="semibold">For whoever runs the form's flow</Text>
          <SentenceList sentences={flowReasons.map((r) => r.sentence)} label={`What the form's flow sent that the ledger cannot read (${item.id})`} />
        </>
      )}
      <div className={layout.actions}>
        {email && (
          <Link href={email} target="_blank" rel="noreferrer">
            Email the supplier
          </Link>
        )}
      </div>
      <Resolution item={item} api={api} onResolved={onResolved} />
      {/* A native disclosure: keyboard and screen-reader support without a component library's weight. */}
      <details className={styles.details}>
        <summary className={styles.summary}>Technical details and the answers as sent</summary>
        <FactList
          facts={[
            ["Form", item.formId ?? "not given"],
            ["Response", item.responseId ?? "not given"],
            ["Sent as", item.contentType || "no content type"],
            ["Quarantine id", item.id],
          ]}
        />
        <ProblemList problems={item.reasons} label={`Why submission ${item.id} was refused, field by field`} />
        {!raw.json && <Text block>This body is not JSON; it is shown exactly as it arrived.</Text>}
        {/* Focusable so a keyboard can scroll a long body. */}
        <pre className={styles.raw} tabIndex={0}>
          {raw.text}
        </pre>
      </details>
    </li>
  );
}

function SentenceList({ sentences, label }: { sentences: readonly string[]; label: string }) {
  const styles = useStyles();
  return (
    <ul className={styles.sentences} aria-label={label}>
      {sentences.map((sentence, i) => (
        <li key={i}>
          <Text>{sentence}</Text>
        </li>
      ))}
    </ul>
  );
}

/** Who dealt with it and how, or a way to say so; the submission stays in quarantine either way, as the record of what arrived. */
function Resolution({ item, api, onResolved }: { item: QuarantineItem; api: PanelProps["api"]; onResolved: (item: QuarantineItem) => void }) {
  const layout = usePanelStyles();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  if (item.resolved) {
    const { by, at, note: said } = item.resolved;
    return (
      <Text role="note">
        Dealt with by <EmailAddress email={by} /> on {formatDateTime(at)}
        {said ? `: ${said}` : "."}
      </Text>
    );
  }

  async function save() {
    setSaving(true);
    setFailure(undefined);
    try {
      const resolved = await api.resolveQuarantine(item.id, note);
      onResolved({ ...item, resolved });
    } catch (err) {
      setFailure(err);
    } finally {
      setSaving(false);
    }
  }

  if (!open) {
    return (
      <div className={layout.actions}>
        <Button size="small" onClick={() => setOpen(true)}>
          Mark dealt with
        </Button>
      </div>
    );
  }
  return (
    <div className={layout.panel}>
      <Field label="What was done (optional)" hint="For example: asked Jo to send it again with 2.5 hours.">
        <Textarea value={note} maxLength={2000} onChange={(_e, data) => setNote(data.value)} />
      </Field>
      {failure !== undefined && <ApiProblemNotice title="It could not be marked dealt with." error={failure} onRetry={() => void save()} />}
      <div className={layout.actions}>
        <Button appearance="primary" size="small" disabledFocusable={saving} onClick={() => void save()}>
          Mark dealt with
        </Button>
        <Button size="small" disabled={saving} onClick={() => setOpen(false)}>
          Cancel
        </Button>
        {saving && <Spinner size="tiny" labelPosition="after" label="Saving…" />}
      </div>
    </div>
  );
}
