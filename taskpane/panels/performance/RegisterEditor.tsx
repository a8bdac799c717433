import { useState } from "react";
import { Button, Checkbox, Field, Input, Subtitle2, Text, Textarea } from "@fluentui/react-components";
import { KPI_RATING_LABELS, MATERIAL_KPIS } from "../../../shared";
import type { KpiInput, KpiRegisterView, Problem } from "../../../shared";
import type { ApiClient } from "../../apiClient";
import { ApiProblem } from "../../apiClient";
import { OutcomeNotice } from "../../components/OutcomeNotice";
import type { Outcome } from "../../components/OutcomeNotice";
import { formatMoney } from "../../components/format";
import { usePanelStyles } from "../../components/layout";


/** A KPI as the form holds it: text fields as typed, the £ and the measures parsed on save. */
interface Draft {
  id: string;
  name: string;
  target: string;
  targetValue: string;
  measureCodes: string;
  material: boolean;
}

const toDraft = (k: KpiRegisterView["kpis"][number]): Draft => ({
  id: k.id,
  name: k.name,
  target: k.target,
  targetValue: k.targetValue === undefined ? "" : String(k.targetValue),
  measureCodes: k.measureCodes.join(", "),
  material: k.material,
});

/** The KPIs to send, or the fields whose £ is not a number (the pane says so rather than drop them). */
function fromDrafts(drafts: readonly Draft[]): { kpis: KpiInput[] } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const kpis = drafts.map((d, i): KpiInput => {
    const value = d.targetValue.replace(/[£,\s]/g, "");
    if (value !== "" && !Number.isFinite(Number(value))) problems.push({ path: ["kpis", i, "targetValue"], message: `"${d.targetValue}" is not an amount in £` });
    return {
      id: d.id.trim(),
      name: d.name,
      target: d.target,
      material: d.material,
      measureCodes: d.measureCodes.split(/[,;\s]+/).filter(Boolean),
      ...(value === "" || !Number.isFinite(Number(value)) ? {} : { targetValue: Number(value) }),
    };
  });
  return problems.length > 0 ? { problems } : { kpis };
}

interface Props {
  api: ApiClient;
  contractId: string;
  view: KpiRegisterView;
  etag: string | undefined;
  onSaved(view: KpiRegisterView, etag: string): void;
}

/** The register: add, edit and remove KPIs, mark the three most material, link TOMs measures, record an exemption. */
export function RegisterEditor({ api, contractId, view, etag, onSaved }: Props) {
  const layout = usePanelStyles();
  const [drafts, setDrafts] = useState<Draft[]>(() => view.kpis.map(toDraft));
  const [exemption, setExemption] = useState(view.exemptionReason ?? "");
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const byId = new Map(view.kpis.map((k) => [k.id, k]));
  const material = drafts.filter((d) => d.material).length;

  const change = (i: number, patch: Partial<Draft>) => setDrafts((all) => all.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const add = () => setDrafts((all) => [...all, { id: `KPI-${all.length + 1}`, name: "", target: "", targetValue: "", measureCodes: "", material: false }]);

  async function save() {
    const parsed = fromDrafts(drafts);
    if ("problems" in parsed) {
      setOutcome({ intent: "error", title: "The register was not saved.", message: "Some target values are not amounts.", problems: parsed.problems });
      return;
    }
    setSaving(true);
    setOutcome(undefined);
    try {
      const saved = await api.putKpis(contractId, { kpis: parsed.kpis, ...(exemption.trim() ? { exemptionReason: exemption.trim() } : {}) }, etag);
      onSaved(saved.value, saved.etag);
      setDrafts(saved.value.kpis.map(toDraft));
      setOutcome({ intent: "success", title: "Saved.", message: `The register of ${contractId} has ${saved.value.kpis.length} KPIs.` });
    } catch (err) {
      const stale = err instanceof ApiProblem && err.status === 412;
      setOutcome({
        intent: "error",
        title: stale ? "Someone else changed the register." : "The register was not saved.",
        message: err instanceof Error ? err.message : String(err),
        problems: err instanceof ApiProblem ? err.details : [],
      });
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className={layout.section} aria-labelledby="kpi-register-heading">
      <Subtitle2 as="h3" id="kpi-register-heading" className={layout.heading}>
        KPI register
      </Subtitle2>
      <Text>
        {drafts.length >= MATERIAL_KPIS
          ? `${material} of ${drafts.length} marked material; mark exactly ${MATERIAL_KPIS}, the ones named in the contract details notice.`
          : `Contracts over £5m need at least ${MATERIAL_KPIS} KPIs unless exempt (Procurement Act 2023 s.52).`}
      </Text>
      <ul className={layout.cards} aria-label="KPIs">
        {drafts.map((d, i) => {
          const stored = byId.get(d.id);
          return (
            <li key={i} className={layout.card}>
              <Field label="Id">
                <Input value={d.id} onChange={(_e, data) => change(i, { id: data.value })} />
              </Field>
              <Field label="Name">
                <Input value={d.name} onChange={(_e, data) => change(i, { name: data.value })} />
              </Field>
              <Field label="Target">
                <Input value={d.target} onChange={(_e, data) => change(i, { target: data.value })} />
              </Field>
              <Field label="Target value (£ over the contract)" hint="For a suggested rating from accepted delivery">
                <Input inputMode="decimal" value={d.targetValue} onChange={(_e, data) => change(i, { targetValue: data.value })} />
              </Field>
              <Field label="Linked measures" hint="Codes of the contract's pack, e.g. J1, E3">
                <Input value={d.measureCodes} onChange={(_e, data) => change(i, { measureCodes: data.value })} />
              </Field>
              <Checkbox label="Material" checked={d.material} onChange={(_e, data) => change(i, { material: data.checked === true })} />
              {stored?.latestRating && <Text>Latest rating: {KPI_RATING_LABELS[stored.latestRating]}</Text>}
              {stored?.suggestedRating && (
                <Text>
                  Suggested: {KPI_RATING_LABELS[stored.suggestedRating.rating]} ({formatMoney(stored.suggestedRating.delivered)} delivered of {formatMoney(stored.suggestedRating.expected)} expected by now)
                </Text>
              )}
              <div className={layout.actions}>
                <Button size="small" onClick={() => setDrafts((all) => all.filter((_d, j) => j !== i))} aria-label={`Remove ${d.id || "this KPI"}`}>
                  Remove
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      <Field label="Exemption reason" hint="Why the contract has fewer than three KPIs, e.g. it is a framework agreement">
        <Textarea value={exemption} onChange={(_e, data) => setExemption(data.value)} />
      </Field>
      <div className={layout.actions}>
        <Button onClick={add}>Add KPI</Button>
        <Button appearance="primary" onClick={() => void save()} disabled={saving}>
          {saving ? "Saving…" : "Save register"}
        </Button>
      </div>
      {outcome && <OutcomeNotice outcome={outcome} />}
    </section>
  );
}
