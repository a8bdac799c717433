import { useEffect, useRef, useState } from "react";
import {
  Button,
  Spinner,
  Subtitle1,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { QuarantineItem } from "../../shared";
import type { Page } from "../apiClient";
import { useLoad } from "../apiClient";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import { FactList } from "../components/FactList";
import { LoadStatus } from "../components/LoadStatus";
import { ProblemList } from "../components/ProblemList";
import { formatDateTime } from "../components/format";
import { plural } from "../../shared";
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
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), json: true };
  } catch {
    return { text: raw, json: false };
  }
}

/** Submissions that failed validation: why, field by field, and what the supplier's form sent. */
export function QuarantinePanel({ api }: PanelProps) {
  const layout = usePanelStyles();
  const first = useLoad<Page<QuarantineItem>>("quarantine", (signal) => api.quarantinePage(undefined, { signal }));
  const [more, setMore] = useState<{ items: QuarantineItem[]; continuationToken?: string }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();

  const items = first.state.status === "ok" ? [...first.state.data.items, ...(more?.items ?? [])] : [];
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
    moreInFlight.current?.abort();
    setLoadingMore(false);
    setMore(undefined);
    setMoreError(undefined);
    first.retry();
  }

  return (
    <div className={layout.panel}>
      <div className={layout.headingRow}>
        <Subtitle1 as="h2" className={layout.heading}>
          Quarantine
        </Subtitle1>
        {first.state.status === "ok" && (
          <Button size="small" onClick={refresh}>
            Refresh
          </Button>
        )}
      </div>
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
              <QuarantineEntry key={item.id} item={item} />
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

function QuarantineEntry({ item }: { item: QuarantineItem }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const raw = prettyRaw(item.raw);
  const headingId = `quarantine-${item.id}`;
  return (
    <li className={layout.card}>
      <Subtitle2 as="h3" id={headingId} className={layout.heading}>
        Received {formatDateTime(item.receivedAt)}
      </Subtitle2>
      <FactList
        facts={[
          ["Form", item.formId ?? "not given"],
          ["Response", item.responseId ?? "not given"],
          ["Sent as", item.contentType || "no content type"],
          ["Quarantine id", item.id],
        ]}
      />
      <Text weight="semibold">{item.reasons.length === 1 ? "Why it was refused" : `Why it was refused (${item.reasons.length} reasons)`}</Text>
      <ProblemList problems={item.reasons} label={`Why submission ${item.id} was refused`} />
      {/* A native disclosure: keyboard and screen-reader support without a component library's weight. */}
      <details className={styles.details}>
        <summary className={styles.summary}>Answers as sent</summary>
        {!raw.json && <Text block>This body is not JSON; it is shown exactly as it arrived.</Text>}
        {/* Focusable so a keyboard can scroll a long body. */}
        <pre className={styles.raw} tabIndex={0}>
          {raw.text}
        </pre>
      </details>
    </li>
  );
}
