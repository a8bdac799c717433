import { useState } from "react";
import { Button, Checkbox, Field, Input, Select, Subtitle2, Text, Textarea } from "@fluentui/react-components";
import { KPI_RATING_LABELS, KPI_RATINGS } from "../../../shared";
import type { Assessment, IsoDate, KpiRating, KpiRegisterView } from "../../../shared";
import type { ApiClient } from "../../apiClient";
import { ApiProblem } from "../../apiClient";
import { OutcomeNotice } from "../../components/OutcomeNotice";
import type { Outcome } from "../../components/OutcomeNotice";
import { usePanelStyles } from "../../components/layout";

interface Props {
  api: ApiClient;
  contractId: string;
  view: KpiRegisterView;
  /** The day after the last period assessed, or the contract's start. */
  periodStart: IsoDate;
  today: IsoDate;
  onRecorded(assessment: Assessment): void;
}

/** A guided assessment: every KPI of the register on the Act's scale, starting from the suggested rating where there is one. */
export function AssessmentForm({ api, contractId, view, periodStart, today, onRecorded }: Props) {
  const layout = usePanelStyles();
  const [start, setStart] = useState(periodStart);
  const [end, setEnd] = useState(today);
  const [final, setFinal] = useState(false);
  const [ratings, setRatings] = useState<Record<string, { rating: KpiRating | ""; explanation: string }>>(() =>
    Object.fromEntries(view.kpis.map((k) => [k.id, { rating: k.suggestedRating?.rating ?? "", explanation: "" }])),
  );
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  async function record() {
    setSaving(true);
    setOutcome(undefined);
    try {
      const body = {
        periodStart: start,
        periodEnd: end,
        final,
        ratings: view.kpis.flatMap((k) => {
          const r = ratings[k.id];
          // A KPI left unrated is left out, so the API names it among the missing.
          return r && r.rating !== "" ? [{ kpiId: k.id, rating: r.rating, ...(r.explanation.trim() ? { explanation: r.explanation.trim() } : {}) }] : [];
        }),
      };
      const assessment = await api.createAssessment(contractId, body);
      onRecorded(assessment);
      setOutcome({ intent: "success", title: "Assessment recorded.", message: `Its contract performance notice is below, ready to check and enter on Find a Tender.` });
    } catch (err) {
      setOutcome({ intent: "error", title: "The assessment was not recorded.", message: err instanceof Error ? err.message : String(err), problems: err instanceof ApiProblem ? err.details : [] });
    } finally {
      setSaving(false);
    }
  }

  if (view.kpis.length === 0) return null;
  return (
    <section className={layout.section} aria-labelledby="assessment-heading">
      <Subtitle2 as="h3" id="assessment-heading" className={layout.heading}>
        Assess performance
      </Subtitle2>
      <Text>Rate every KPI for the period (Procurement Act 2023 s.71). Suggested ratings come from accepted delivery against what was expected by now.</Text>
      <Field label="Period start">
        <Input type="date" value={start} onChange={(_e, d) => setStart(d.value)} />
      </Field>
      <Field label="Period end">
        <Input type="date" value={end} onChange={(_e, d) => setEnd(d.value)} />
      </Field>
      <Checkbox label="Final assessment (on termination)" checked={final} onChange={(_e, d) => setFinal(d.checked === true)} />
      {view.kpis.map((k) => {
        const r = ratings[k.id] ?? { rating: "", explanation: "" };
        const set = (patch: Partial<typeof r>) => setRatings((all) => ({ ...all, [k.id]: { ...r, ...patch } }));
        return (
          <div key={k.id} className={layout.section}>
            <Field label={`${k.id}: ${k.name}`} hint={k.suggestedRating ? `Suggested: ${KPI_RATING_LABELS[k.suggestedRating.rating]}` : `Target: ${k.target}`}>
              <Select value={r.rating} onChange={(_e, d) => set({ rating: KPI_RATINGS.find((x) => x === d.value) ?? "" })}>
                <option value="">Choose a rating</option>
                {KPI_RATINGS.map((rating) => (
                  <option key={rating} value={rating}>
                    {KPI_RATING_LABELS[rating]}
                  </option>
                ))}
              </Select>
            </Field>
            {r.rating === "other" && (
              <Field label={`Explanation for ${k.id}`} required>
                <Textarea value={r.explanation} onChange={(_e, d) => set({ explanation: d.value })} />
              </Field>
            )}
          </div>
        );
      })}
      <div className={layout.actions}>
        <Button appearance="primary" onClick={() => void record()} disabled={saving}>
          {saving ? "Recording…" : "Record assessment"}
        </Button>
      </div>
      {outcome && <OutcomeNotice outcome={outcome} />}
    </section>
  );
}
