import { findMeasure, missingProxyMessage, normaliseCode, proxyValueMissing, sumPounds, todayIn, ValuesBatchRequestSchema } from "../../../shared";
import type { Contract, PackIndex, ValueAnswer, ValueQuery, ValuesBatchResponse } from "../../../shared";
import type { Deps } from "../deps";
import { parseWith, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { json } from "../http/respond";

const fail = (code: string, message: string): ValueAnswer => ({ ok: false, error: { code, message } });

/** Per-contract facts loaded at most once per batch, however many cells ask about the contract. */
class ContractFacts {
  private readonly contracts = new Map<string, Promise<{ contract: Contract; pack: PackIndex } | undefined>>();
  private readonly accepted = new Map<string, Promise<{ measureCode: string; value: number | null }[]>>();
  private readonly overdue = new Map<string, Promise<number>>();

  constructor(
    private readonly deps: Deps,
    private readonly today: string,
  ) {}

  contract(id: string) {
    let found = this.contracts.get(id);
    if (!found) {
      found = this.deps.store.getContract(id).then(async (stored) => {
        if (!stored) return undefined;
        const pack = await this.deps.packs.get(stored.value.packId, stored.value.packEdition);
        if (!pack) throw new Error(`Contract ${id} is pinned to a pack that is not stored`);
        return { contract: stored.value, pack };
      });
      this.contracts.set(id, found);
    }
    return found;
  }

  acceptedValues(id: string) {
    let values = this.accepted.get(id);
    if (!values) this.accepted.set(id, (values = this.deps.store.acceptedValues(id)));
    return values;
  }

  overdueCount(id: string) {
    let count = this.overdue.get(id);
    if (!count) this.overdue.set(id, (count = this.deps.store.countOverdue(id, this.today)));
    return count;
  }
}

async function answer(facts: ContractFacts, query: ValueQuery): Promise<ValueAnswer> {
  const found = await facts.contract(query.contract);
  if (!found) return fail("unknown-contract", `There is no contract ${query.contract}.`);
  if (query.kind === "overdue") return { ok: true, value: await facts.overdueCount(query.contract) };

  let code: string | undefined;
  if (query.code !== undefined) {
    const measure = findMeasure(found.pack, query.code);
    if (!measure) return fail("unknown-measure", `Measure "${query.code}" is not in ${found.pack.label}, the pack of contract ${query.contract}.`);
    if (proxyValueMissing(measure)) return fail("not-valued", missingProxyMessage(measure, found.pack.label));
    if (measure.kind === "record-only" || measure.kind === "qualitative") {
      return fail("not-valued", `Measure ${measure.code} is ${measure.kind} in ${found.pack.label}: it is recorded, not valued in £.`);
    }
    code = normaliseCode(measure.code);
  }
  const rows = await facts.acceptedValues(query.contract);
  // Stored values are to the penny; adding them in pence keeps the total so.
  const total = sumPounds(rows.filter((row) => code === undefined || normaliseCode(row.measureCode) === code).map((row) => row.value));
  return { ok: true, value: total };
}

/**
 * POST /api/values/batch: delivered £ (accepted evidence only) and overdue counts for custom
 * functions; one answer per query, in the same order, each ok or an error of its own.
 */
export const valuesBatch: Handler = async ({ request, deps }) => {
  const { queries } = parseWith(ValuesBatchRequestSchema, await readJson(request), "The batch");
  const facts = new ContractFacts(deps, todayIn(deps.settings.timeZone, deps.clock.now()));
  const answers = await Promise.all(queries.map((q) => answer(facts, q)));
  return json(200, { answers } satisfies ValuesBatchResponse);
};
