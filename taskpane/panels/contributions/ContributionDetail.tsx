import { FormEvent, useEffect, useRef, useState } from "react";
import {
  Button,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ClearWarningsRequestSchema, ReviewRequestSchema, daysOverdue, findMeasure, isOverdue, plural, todayIn } from "../../../shared";
import type { AuditEntry, ContributionDetail, PackIndex, ReviewRequest, Warning, WarningCode } from "../../../shared";
import { ApiProblem } from "../../apiClient";
import type { ApiClient, Tagged } from "../../apiClient";
import { useLoad } from "../../apiClient";
import { ApiProblemNotice } from "../../components/ApiProblemNotice";
import { EvidenceStatusBadge } from "../../components/EvidenceStatusBadge";
import { FactList } from "../../components/FactList";
import { LoadStatus } from "../../components/LoadStatus";
import { EmailAddress } from "../../components/EmailAddress";
import { formatDate, formatDateTime, formatMoney, formatQuantity } from "../../components/format";
import { ORGANISATION_TIME_ZONE } from "../../config";
import { usePanelStyles } from "../../components/layout";
import { readableAuditDetail } from "./auditDetail";

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, overflowWrap: "anywhere" },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  related: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalM },
});

const ACTION_WORDS: Record<AuditEntry["action"], string> = {
  created: "Reported",
  "evidence-submitted": "Evidence sent",
  accepted: "Evidence accepted",
  rejected: "Evidence rejected",
  chased: "Chased",
  "warnings-cleared": "Warnings cleared",
};

type Notice =
  | { kind: "done"; title: string; message: string }
  | { kind: "stale"; message: string }
  | { kind: "failed"; title: string; error: unknown; retry: () => void };

interface Props {
  id: string;
  api: ApiClient;
  pack: PackIndex;
  /** Only Officers review evidence (the API's rule); Managers see the state. */
  canReview: boolean;
  /** Told of the contribution as it now is, after a load or a review, so the grid row matches. */
  onChanged: (contribution: ContributionDetail) => void;
  /** Opens another contribution in its place: one a warning names. */
  onOpen: (id: string) => void;
}

/** One contribution: its figures, evidence links, review and audit trail. */
export function ContributionDetailView({ id, api, pack, canReview, onChanged, onOpen }: Props) {
  const layout = usePanelStyles();
  const detail = useLoad<Tagged<ContributionDetail>>(id, (signal) => api.getContribution(id, { signal }));
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);

  const loaded = detail.state.status === "ok" ? detail.state.data : undefined;
  useEffect(() => {
    if (loaded) onChanged(loaded.value);
    // Only a newly loaded or reviewed contribution is news for the grid.
  }, [loaded]);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const review = (request: ReviewRequest, etag: string) =>
    save(
      () => api.review(id, request, etag),
      (reviewed) =>
        request.decision === "accept"
          ? { kind: "done", title: "Evidence accepted.", message: `Its social value now counts as delivered.${request.confirmWarnings ? " The warnings you confirmed are cleared; the audit trail says which." : ""}` }
          : { kind: "done", title: "Evidence rejected.", message: rejectionNoticeWords(reviewed) },
      "review",
      () => void review(request, etag),
    );

  const clearWarnings = (reason: string, etag: string) =>
    save(
      () => api.clearWarnings(id, reason, etag),
      () => ({ kind: "done", title: "Warnings cleared.", message: "Your reason is in the audit trail below." }),
      "decision",
      () => void clearWarnings(reason, etag),
    );

  /** Saves a review or a decision; never over someone else's change (412, 409): the contribution is shown as it is now instead. */
  async function save(run: () => Promise<Tagged<ContributionDetail>>, done: (c: ContributionDetail) => Notice, what: "review" | "decision", again: () => void): Promise<boolean> {
    setBusy(true);
    setNotice(undefined);
    try {
      const saved = await run();
      detail.update(() => saved);
      setNotice(done(saved.value));
      return true;
    } catch (err) {
      if (err instanceof ApiProblem && (err.status === 412 || err.status === 409)) {
        // Never resend over someone else's change: show the contribution as it is now and let the officer look again.
        // The view stays up while it refreshes, so a reason being typed is not lost if it can still be used.
        try {
          const current = await api.getContribution(id);
          detail.update(() => current);
          setNotice({
            kind: "stale",
            message:
              err.status === 412
                ? `Someone else reviewed this first, or the supplier sent new evidence, after you opened it. Your ${what} was not saved. The contribution below is as it is now: check it before you ${what === "review" ? "review" : "decide"}.`
                : `${err.message} Your ${what} was not saved. The contribution below is as it is now.`,
          });
        } catch (refreshError) {
          setNotice({ kind: "failed", title: `The ${what} was not saved.`, error: refreshError, retry: detail.retry });
        }
      } else {
        setNotice({ kind: "failed", title: `The ${what} was not saved.`, error: err, retry: again });
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={layout.sections}>
      {notice?.kind === "done" && (
        <MessageBar ref={noticeRef} tabIndex={-1} intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{notice.title}</MessageBarTitle> {notice.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {notice?.kind === "stale" && (
        <MessageBar ref={noticeRef} tabIndex={-1} intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Someone else got there first.</MessageBarTitle> {notice.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {notice?.kind === "failed" && <ApiProblemNotice ref={noticeRef} title={notice.title} error={notice.error} onRetry={notice.retry} />}

      <LoadStatus state={detail.state} loading={`Loading ${id}…`} failed={`Contribution ${id} could not be loaded.`} onRetry={detail.retry} />
      {loaded && (
        <>
          <Facts contribution={loaded.value} pack={pack} />
          {loaded.value.warnings.length > 0 && (
            <Warnings warnings={loaded.value.warnings} canClear={canReview} busy={busy} onOpen={onOpen} onClear={(reason) => clearWarnings(reason, loaded.etag)} />
          )}
          <Evidence contribution={loaded.value} />
          <EvidenceReview contribution={loaded.value} canReview={canReview} busy={busy} onReview={(request) => review(request, loaded.etag)} />
          <AuditTrail entries={loaded.value.audit} />
        </>
      )}
    </div>
  );
}

function Facts({ contribution: c, pack }: { contribution: ContributionDetail; pack: PackIndex }) {
  const measure = findMeasure(pack, c.measureCode);
  const today = todayIn(ORGANISATION_TIME_ZONE, new Date());
  const overdue = isOverdue(c.evidenceStatus, c.evidenceDueDate, today);
  return (
    <FactList
      facts={[
        ["Supplier", c.supplier],
        ["Reported by", c.responder ? <EmailAddress email={c.responder} /> : "nobody named (recorded by hand)"],
        ["Measure", measure ? `${measure.code}: ${measure.description}` : `${c.measureCode} (not in ${pack.label})`],
        ["Quantity", formatQuantity(c.quantity, measure?.unit)],
        ["Value", c.value === null ? "not valued in £ (recorded only)" : `${formatMoney(c.value)} (${c.packId} ${c.packEdition})`],
        ["Period", `${formatDate(c.periodStart)} to ${formatDate(c.periodEnd)}`],
        ["Description", c.description || "none given"],
        ["Source", c.source.kind === "form" ? `Microsoft Form, response ${c.source.responseId}` : `recorded by hand by ${c.source.recordedBy}`],
        ["Received", formatDateTime(c.submittedAt)],
        [
          "Evidence",
          <>
            <EvidenceStatusBadge status={c.evidenceStatus} />{" "}
            {c.evidenceStatus === "accepted"
              ? ""
              : overdue
                ? `due ${formatDate(c.evidenceDueDate)}, ${plural(daysOverdue(c.evidenceDueDate, today), "day")} overdue`
                : `due ${formatDate(c.evidenceDueDate)}`}
          </>,
        ],
        ...(c.reviewedBy && c.reviewedAt
          ? ([["Reviewed", <>by <EmailAddress email={c.reviewedBy} />, {formatDateTime(c.reviewedAt)}</>]] as const)
          : []),
        ...(c.rejectionReason ? ([["Why rejected", c.rejectionReason]] as const) : []),
      ]}
    />
  );
}

function Evidence({ contribution }: { contribution: ContributionDetail }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  return (
    <section className={layout.section} aria-labelledby="evidence-links-heading">
      <Subtitle2 as="h4" id="evidence-links-heading" className={layout.heading}>
        Evidence links
      </Subtitle2>
      {contribution.evidence.length === 0 ? (
        <Text>No evidence sent yet.</Text>
      ) : (
        <ul className={styles.list}>
          {contribution.evidence.map((e, i) => (
            <li key={i}>
              {/* Suppliers' links open in a new tab that cannot reach back into the add-in. */}
              <Link href={e.link} target="_blank" rel="noopener noreferrer">
                {e.name}
              </Link>{" "}
              <Text size={200}>(opens in a new tab)</Text>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What each warning is called in the pane (docs/WARNINGS.md says what each means). */
export const WARNING_WORDS: Record<WarningCode, string> = {
  "possible-duplicate": "Possible duplicate",
  "implausible-value": "Implausible value",
  "outside-contract-period": "Outside the contract's dates",
  "period-not-ended": "Period not over when reported",
};

function WarningList({ warnings, onOpen }: { warnings: readonly Warning[]; onOpen?: (id: string) => void }) {
  const styles = useStyles();
  return (
    <ul className={styles.list}>
      {warnings.map((w, i) => (
        <li key={i}>
          <Text>
            <strong>{WARNING_WORDS[w.code]}</strong>: {w.message}.
          </Text>
          {onOpen && w.relatedIds && w.relatedIds.length > 0 && (
            <div className={styles.related}>
              {w.relatedIds.map((related) => (
                <Link key={related} as="button" onClick={() => onOpen(related)}>
                  Open {related}
                </Link>
              ))}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What needs a second look, the contributions it names, and the officer's way to clear it with a reason. */
function Warnings({
  warnings,
  canClear,
  busy,
  onOpen,
  onClear,
}: {
  warnings: readonly Warning[];
  canClear: boolean;
  busy: boolean;
  onOpen: (id: string) => void;
  onClear: (reason: string) => Promise<boolean>;
}) {
  const layout = usePanelStyles();
  const [clearing, setClearing] = useState(false);

  return (
    <section className={layout.section} aria-labelledby="warnings-heading">
      <Subtitle2 as="h4" id="warnings-heading" className={layout.heading}>
        Needs a look: {plural(warnings.length, "warning")}
      </Subtitle2>
      <WarningList warnings={warnings} onOpen={onOpen} />
      {!canClear ? (
        <Text>Officers clear warnings; your account does not have the Officer role.</Text>
      ) : !clearing ? (
        <div className={layout.actions}>
          <Button disabledFocusable={busy} onClick={() => setClearing(true)}>
            Clear warnings…
          </Button>
        </div>
      ) : (
        <ReasonForm
          label="Why do these warnings need no more look?"
          hint="Your reason goes into the contribution's audit trail."
          submit="Clear warnings"
          busy={busy}
          check={(reason) => {
            const request = ClearWarningsRequestSchema.safeParse({ reason });
            return request.success ? { ok: true, reason: request.data.reason } : { ok: false, message: request.error.issues[0]?.message ?? "say why the warnings need no more look" };
          }}
          onSubmit={async (reason) => {
            if (await onClear(reason)) setClearing(false);
          }}
          onCancel={() => setClearing(false)}
        />
      )}
    </section>
  );
}

const NOT_REVIEWABLE: Record<Exclude<ContributionDetail["evidenceStatus"], "submitted" | "rejected">, string> = {
  missing: "Nothing to review yet: the supplier has not sent evidence.",
  accepted: "The evidence is accepted; it cannot change any more.",
};

/** What really became of the email telling the supplier of a rejection, as the API records it. */
export function rejectionNoticeWords(c: ContributionDetail): string {
  const due = formatDate(c.evidenceDueDate);
  const notice = c.rejectionNotice;
  if (!notice) return `New evidence is due by ${due}. No email to the supplier about this rejection is recorded, so please tell them.`;
  switch (notice.state) {
    case "queued":
      return `An email to ${notice.recipient} with the reason and the new due date (${due}) is queued; the chase sends it within minutes.${notice.lastTry ? ` The last try did not go: ${notice.lastTry}` : ""}`;
    case "sent":
      return `An email to ${notice.recipient} with the reason and the new due date (${due}) was sent on ${formatDateTime(notice.sentAt ?? notice.queuedAt)}.`;
    case "failed":
      return `The email to ${notice.recipient} could not be sent (${notice.failure ?? "the mail system gave no reason"}). Please tell the supplier yourself; new evidence is due by ${due}.`;
    case "unreachable":
      return `The supplier cannot be emailed: their report gave ${notice.recipient ? `"${notice.recipient}"` : "no email address"}. Please tell them yourself; new evidence is due by ${due}.`;
  }
}

function EvidenceReview({
  contribution,
  canReview,
  busy,
  onReview,
}: {
  contribution: ContributionDetail;
  canReview: boolean;
  busy: boolean;
  onReview: (request: ReviewRequest) => Promise<boolean>;
}) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const [rejecting, setRejecting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const status = contribution.evidenceStatus;
  const flagged = contribution.warnings.length > 0;

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  return (
    <section className={layout.section} aria-labelledby="evidence-review-heading">
      <Subtitle2 as="h4" id="evidence-review-heading" className={layout.heading}>
        Evidence review
      </Subtitle2>
      {status !== "submitted" ? (
        <Text>{status === "rejected" ? `The evidence was rejected. ${rejectionNoticeWords(contribution)}` : NOT_REVIEWABLE[status]}</Text>
      ) : !canReview ? (
        <Text>Evidence is waiting for review. Officers review evidence; your account does not have the Officer role.</Text>
      ) : (
        <>
          <Text>Open the evidence links, then accept the evidence, or reject it with a reason the supplier will read.</Text>
          {!rejecting && !confirming && (
            <div className={layout.actions}>
              <Button appearance="primary" disabledFocusable={busy} onClick={() => (flagged ? setConfirming(true) : void onReview({ decision: "accept" }))}>
                Accept evidence{flagged ? "…" : ""}
              </Button>
              <Button disabledFocusable={busy} onClick={() => setRejecting(true)}>
                Reject evidence…
              </Button>
            </div>
          )}
          {rejecting && (
            <ReasonForm
              label="Why is the evidence rejected?"
              hint="The supplier is emailed this reason within minutes, with the new due date."
              submit="Reject evidence"
              busy={busy}
              check={(reason) => {
                const request = ReviewRequestSchema.safeParse({ decision: "reject", reason });
                return request.success && request.data.reason ? { ok: true, reason: request.data.reason } : { ok: false, message: request.error?.issues[0]?.message ?? "say why the evidence is rejected" };
              }}
              onSubmit={async (reason) => {
                if (await onReview({ decision: "reject", reason })) setRejecting(false);
              }}
              onCancel={() => setRejecting(false)}
            />
          )}
          {busy && <Spinner size="tiny" labelPosition="after" label="Saving the review…" />}
          {confirming && (
            // Asked in place, beside the evidence it is about: a narrow pane has no room for a modal over it.
            <div ref={confirmRef} role="group" aria-labelledby="confirm-warnings-heading" tabIndex={-1} className={styles.form}>
              <Text as="h5" id="confirm-warnings-heading" weight="semibold">
                Accept evidence that needs a look?
              </Text>
              <Text as="p">
                {contribution.id} has {plural(contribution.warnings.length, "warning")}. Accepting its evidence counts its social value as delivered and clears them; the audit trail
                records that you confirmed them.
              </Text>
              <WarningList warnings={contribution.warnings} />
              <div className={layout.actions}>
                <Button
                  appearance="primary"
                  disabledFocusable={busy}
                  onClick={() => {
                    setConfirming(false);
                    void onReview({ decision: "accept", confirmWarnings: true });
                  }}
                >
                  Accept anyway
                </Button>
                <Button onClick={() => setConfirming(false)}>Cancel</Button>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** A reason the officer must give (a rejection, clearing warnings): checked before anything is sent, kept while the save is retried. */
function ReasonForm({
  label,
  hint,
  submit,
  busy,
  check,
  onSubmit,
  onCancel,
}: {
  label: string;
  hint: string;
  submit: string;
  busy: boolean;
  check: (reason: string) => { ok: true; reason: string } | { ok: false; message: string };
  onSubmit: (reason: string) => Promise<void>;
  onCancel: () => void;
}) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string>();
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => reasonRef.current?.focus(), []);

  async function send(event: FormEvent) {
    event.preventDefault();
    const checked = check(reason);
    if (!checked.ok) {
      setReasonError(checked.message.charAt(0).toUpperCase() + checked.message.slice(1));
      reasonRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    await onSubmit(checked.reason);
  }

  return (
    <form className={styles.form} onSubmit={send} noValidate>
      <Field label={label} required hint={hint} validationMessage={reasonError} validationState={reasonError ? "error" : "none"}>
        <Textarea ref={reasonRef} value={reason} resize="vertical" onChange={(_e, data) => setReason(data.value)} />
      </Field>
      <div className={layout.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={busy}>
          {submit}
        </Button>
        <Button disabledFocusable={busy} onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function AuditTrail({ entries }: { entries: readonly AuditEntry[] }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  return (
    <section className={layout.section} aria-labelledby="audit-trail-heading">
      <Subtitle2 as="h4" id="audit-trail-heading" className={layout.heading}>
        Audit trail
      </Subtitle2>
      {entries.length === 0 ? (
        <Text>No entries.</Text>
      ) : (
        <ol className={styles.list} aria-label="Audit trail, oldest first">
          {entries.map((entry, i) => (
            <li key={i}>
              <Text>
                <strong>{ACTION_WORDS[entry.action]}</strong>, {formatDateTime(entry.at)}, by <EmailAddress email={entry.actor} />. {readableAuditDetail(entry.detail)}
              </Text>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
