import { useState } from "react";
import { Button, Field, Input, Select, Subtitle2, Text, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import { FAILURE_KINDS, PENALTY_TYPES, daysBetween, plural } from "../../../shared";
import type { IsoDate, PerformanceFailure, PerformanceFailureInput } from "../../../shared";
import type { ApiClient } from "../../apiClient";
import { ApiProblem } from "../../apiClient";
import { OutcomeNotice } from "../../components/OutcomeNotice";
import type { Outcome } from "../../components/OutcomeNotice";
import { formatDate } from "../../components/format";
import { usePanelStyles } from "../../components/layout";

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  item: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, overflowWrap: "anywhere" },
});

const KIND_WORDS: Record<(typeof FAILURE_KINDS)[number], string> = { breach: "Breach of contract", "poor-performance": "Poor performance" };

/** How long is left to publish the notice, in words. */
export function countdown(failure: Pick<PerformanceFailure, "noticeDueBy" | "noticePublishedOn">, today: IsoDate): string {
  if (failure.noticePublishedOn) return `Notice published ${formatDate(failure.noticePublishedOn)}`;
  const left = daysBetween(today, failure.noticeDueBy);
  if (left < 0) return `Notice ${plural(-left, "day")} overdue (was due by ${formatDate(failure.noticeDueBy)})`;
  if (left === 0) return `Notice due today (${formatDate(failure.noticeDueBy)})`;
  return `Notice due by ${formatDate(failure.noticeDueBy)}: ${plural(left, "day")} left`;
}

interface Props {
  api: ApiClient;
  contractId: string;
  failures: readonly PerformanceFailure[];
  today: IsoDate;
  onRecorded(failure: PerformanceFailure): void;
}

/** Decisions that the supplier breached the contract or performed poorly, each with the 30 days to publish its notice. */
export function FailureLog({ api, contractId, failures, today, onRecorded }: Props) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const [kind, setKind] = useState<(typeof FAILURE_KINDS)[number]>("breach");
  const [decisionDate, setDecisionDate] = useState(today);
  const [description, setDescription] = useState("");
  const [penaltyType, setPenaltyType] = useState<(typeof PENALTY_TYPES)[number] | "">("");
  const [penaltyValue, setPenaltyValue] = useState("");
  const [partialTermination, setPartialTermination] = useState("");
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  async function record() {
    setSaving(true);
    setOutcome(undefined);
    const value = penaltyValue.replace(/[£,\s]/g, "");
    const input: PerformanceFailureInput = {
      kind,
      decisionDate,
      description,
      ...(penaltyType ? { penalty: { type: penaltyType, ...(value !== "" && Number.isFinite(Number(value)) ? { value: Number(value) } : {}) } } : {}),
      ...(partialTermination.trim() ? { partialTermination: partialTermination.trim() } : {}),
    };
    try {
      const failure = await api.recordPerformanceFailure(contractId, input);
      onRecorded(failure);
      setDescription("");
      setOutcome({ intent: "success", title: "Decision recorded.", message: `Publish its notice on Find a Tender by ${formatDate(failure.noticeDueBy)}.` });
    } catch (err) {
      setOutcome({ intent: "error", title: "The decision was not recorded.", message: err instanceof Error ? err.message : String(err), problems: err instanceof ApiProblem ? err.details : [] });
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className={layout.section} aria-labelledby="failures-heading">
      <Subtitle2 as="h3" id="failures-heading" className={layout.heading}>
        Breach and poor performance
      </Subtitle2>
      <Text>A notice is published within 30 days of deciding that a supplier breached the contract or performed poorly.</Text>
      {failures.length === 0 ? (
        <Text>No decision recorded.</Text>
      ) : (
        <ul className={styles.list} aria-label="Decisions">
          {failures.map((f) => (
            <li key={f.id} className={styles.item}>
              <Text weight="semibold">
                {KIND_WORDS[f.kind]}, decided {formatDate(f.decisionDate)}
              </Text>
              <Text>{f.description}</Text>
              <Text>{countdown(f, today)}</Text>
            </li>
          ))}
        </ul>
      )}
      <Field label="Kind">
        <Select value={kind} onChange={(_e, d) => setKind(FAILURE_KINDS.find((k) => k === d.value) ?? "breach")}>
          {FAILURE_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_WORDS[k]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Decision date">
        <Input type="date" value={decisionDate} onChange={(_e, d) => setDecisionDate(d.value)} />
      </Field>
      <Field label="What happened">
        <Textarea value={description} onChange={(_e, d) => setDescription(d.value)} />
      </Field>
      <Field label="Penalty basis">
        <Select value={penaltyType} onChange={(_e, d) => setPenaltyType(PENALTY_TYPES.find((t) => t === d.value) ?? "")}>
          <option value="">No penalty</option>
          {PENALTY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
      </Field>
      {penaltyType && (
        <Field label="Penalty value (£)">
          <Input inputMode="decimal" value={penaltyValue} onChange={(_e, d) => setPenaltyValue(d.value)} />
        </Field>
      )}
      <Field label="Partial termination" hint="What part of the contract was ended, if any">
        <Input value={partialTermination} onChange={(_e, d) => setPartialTermination(d.value)} />
      </Field>
      <div className={layout.actions}>
        <Button appearance="primary" onClick={() => void record()} disabled={saving}>
          {saving ? "Recording…" : "Record decision"}
        </Button>
      </div>
      {outcome && <OutcomeNotice outcome={outcome} />}
    </section>
  );
}
