import axe from "axe-core";
import { JSDOM } from "jsdom";
import { addDays, dueSteps, formatMoney, groupByRecipient, rejectionNoticeStep, weeklyDigests } from "../../../shared";
import type { ChaseAttempt, ChaseItem, ChaseMessage, ChaseStep } from "../../../shared";
import { escapeHtml, formatDates, renderChaseMessage, renderDigest } from "../../../api/src/mail/chaseEmails";
import type { ChaseEmailContext } from "../../../api/src/mail/chaseEmails";

jest.setTimeout(10_000);

const ORG = "Example Borough Council";
const HOSTILE_SUPPLIER = `Acme "Build" & O'Brien <Ltd>`;
const HOSTILE_TEXT = `<script>alert("x")</script> two apprentices "'& more`;
const DUE = "2026-10-30";

const policy = { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 };
const priya = { name: "Priya Shah", email: "priya.shah@example.gov.uk" };
const tom = { name: "Tom O'Neill", email: "tom.oneill@example.gov.uk" };

function contract(over: Partial<ChaseItem["contract"]> = {}): ChaseItem["contract"] {
  return {
    id: "C-1001",
    title: "Library refurbishment",
    buyer: ORG,
    contractManager: { ...priya, lineManager: tom },
    escalationContacts: [],
    reminderPolicy: policy,
    formUrl: "https://forms.office.com/r/AbCdEf123",
    ...over,
  };
}

function item(id: string, over: Partial<ChaseItem["contribution"]> = {}, onContract = contract()): ChaseItem {
  return {
    contract: onContract,
    contribution: {
      id,
      contractId: onContract.id,
      supplier: HOSTILE_SUPPLIER,
      responder: "jo@acme.example",
      measureCode: "NT1",
      quantity: 2.5,
      periodStart: "2026-07-01",
      periodEnd: "2026-09-30",
      evidenceStatus: "missing",
      evidenceDueDate: DUE,
      value: 1234.5,
      description: HOSTILE_TEXT,
      ...over,
    },
  };
}

const items = [item("SV-7K3Q9M2A"), item("SV-7K3Q9M2B", { evidenceDueDate: "2026-10-20", value: 99_000 }), item("SV-7K3Q9M2C", { evidenceStatus: "rejected", rejectionReason: "Payroll extract is unsigned & <blurred>" })];

const context = (today: string, over: Partial<ChaseEmailContext> = {}): ChaseEmailContext => ({
  organisation: ORG,
  today,
  measure: (_contract, code) => (code === "NT1" ? { description: "Local people employed (FTE) on the contract", unit: "FTE" } : undefined),
  ...over,
});

/**
 * Today's steps when the chase went live on DUE and ran every day since, every email sent: the
 * history the ledger would hold. An item already overdue at go-live starts at the first step then.
 */
function stepsOn(i: ChaseItem, today: string): ChaseStep[] {
  const history: ChaseAttempt[] = [];
  const from = i.contribution.evidenceDueDate > DUE ? i.contribution.evidenceDueDate : DUE;
  for (let day = from; day < today; day = addDays(day, 1)) {
    for (const s of dueSteps(i, history, day)) history.push({ role: s.role, recipient: s.recipient.email.toLowerCase(), dueDate: i.contribution.evidenceDueDate, date: day, outcome: "sent" });
  }
  return dueSteps(i, history, today);
}

function messagesOn(today: string, list: ChaseItem[] = items): ChaseMessage[] {
  return groupByRecipient(list.flatMap((i) => stepsOn(i, today)));
}

function messageFor(email: string, today: string, list: ChaseItem[] = items): ChaseMessage {
  const found = messagesOn(today, list).find((m) => m.recipient.email === email);
  if (!found) throw new Error(`no message for ${email} on ${today}`);
  return found;
}

const dom = (html: string) => new JSDOM(html).window.document;

async function axeViolations(html: string): Promise<string[]> {
  const window = new JSDOM(html, { runScripts: "outside-only" }).window;
  window.eval(axe.source);
  const run = (window as unknown as { axe: typeof axe }).axe.run;
  // Colour contrast needs layout, which jsdom has not got; it is checked by the fixed palette instead.
  const results = await run(window.document, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(" | ")})`);
}

function expectAccessibleShape(html: string): void {
  const document = dom(html);
  expect(document.documentElement.getAttribute("lang")).toBe("en-GB");
  expect(html).not.toMatch(/<(img|style|link|script)\b/i);
  expect(html).not.toMatch(/\sclass=/);
  for (const th of Array.from(document.querySelectorAll("th"))) expect(["col", "row"]).toContain(th.getAttribute("scope"));
  for (const table of Array.from(document.querySelectorAll("table"))) expect(table.querySelector("caption")?.textContent).toBeTruthy();
}

describe("supplier reminders", () => {
  const message = messageFor("jo@acme.example", DUE);
  const email = renderChaseMessage(message, context(DUE));

  test("one email for all of the supplier's items, with a subject that says what is asked", () => {
    expect(email.to).toEqual([{ name: HOSTILE_SUPPLIER, email: "jo@acme.example" }]);
    expect(email.subject).toBe("Evidence needed: 3 social value items for Example Borough Council");
    expect(email.replyTo).toEqual(priya);
  });

  test("every supplier-provided text is escaped, and reads back exactly as typed", () => {
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain(HOSTILE_SUPPLIER);
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; two apprentices &quot;&#39;&amp; more");
    expect(email.html).toContain("Dear Acme &quot;Build&quot; &amp; O&#39;Brien &lt;Ltd&gt;,");
    const document = dom(email.html);
    const cells = Array.from(document.querySelectorAll("td")).map((td) => td.textContent);
    expect(cells).toContain(HOSTILE_TEXT);
    expect(cells).toContain("New evidence: the last was rejected (Payroll extract is unsigned & <blurred>)");
    expect(document.querySelector("p")?.textContent).toBe(`Dear ${HOSTILE_SUPPLIER},`);
    expect(escapeHtml(`<a href="x">'&`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  });

  test("a table with real headers: contract, measure, period, quantity, due date, days overdue, evidence needed, reference, form link", () => {
    const document = dom(email.html);
    const headers = Array.from(document.querySelectorAll('thead th[scope="col"]')).map((th) => th.textContent);
    expect(headers).toEqual(["Reference", "Contract", "Measure", "What was reported", "Period", "Quantity", "Evidence due", "Days overdue", "Reminded before", "Evidence needed", "How to send it"]);
    const rows = Array.from(document.querySelectorAll("tbody tr"));
    expect(rows.map((r) => r.querySelector('th[scope="row"]')?.textContent)).toEqual(["SV-7K3Q9M2B", "SV-7K3Q9M2A", "SV-7K3Q9M2C"]);
    const first = Array.from(rows[0]!.querySelectorAll("td")).map((td) => td.textContent);
    expect(first).toEqual([
      "C-1001 Library refurbishment",
      "NT1 Local people employed (FTE) on the contract",
      HOSTILE_TEXT,
      "1 July 2026 to 30 September 2026",
      "2.5 FTE",
      "20 October 2026",
      "10 days overdue",
      "This is the first reminder",
      "Records showing the 2.5 FTE reported",
      "Send evidence for SV-7K3Q9M2B",
    ]);
    const link = rows[0]!.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://forms.office.com/r/AbCdEf123");
    expect(Array.from(rows[1]!.querySelectorAll("td")).map((td) => td.textContent)[6]).toBe("due today");
    expectAccessibleShape(email.html);
  });

  test("the plain-text alternative says the same, with no markup", () => {
    expect(email.text).toContain("Evidence needed: 3 social value items for Example Borough Council");
    expect(email.text).toContain("1. SV-7K3Q9M2B (10 days overdue)");
    expect(email.text).toContain("   Send it: https://forms.office.com/r/AbCdEf123 (quote SV-7K3Q9M2B)");
    expect(email.text).toContain("   Evidence due: 20 October 2026");
    expect(email.text).toContain(`   What was reported: ${HOSTILE_TEXT}`);
    expect(email.text).not.toMatch(/<(p|td|th|table|a)\b/);
    expect(email.text).toContain("Replies go to Priya Shah, the contract manager.");
  });

  test("no accessibility violations found by axe", async () => {
    expect(await axeViolations(email.html)).toEqual([]);
  });

  test("the second reminder warns that the contract manager will be told; a unsafe form address is not linked", () => {
    const risky = contract({ formUrl: "javascript:alert(1)" });
    const second = renderChaseMessage(messageFor("jo@acme.example", addDays(DUE, 7), [item("SV-7K3Q9M2D", {}, risky)]), context(addDays(DUE, 7)));
    expect(second.text).toContain("If it does not arrive, the contract manager will be told.");
    expect(second.html).not.toContain("javascript:");
    expect(second.html).toContain("Reply to this email quoting SV-7K3Q9M2D");
  });

  test("steps not sent yet keep their idempotency key the next day; the next reminder gets another", () => {
    const deferred = (i: ChaseItem): ChaseAttempt[] => [{ role: "supplier", recipient: "jo@acme.example", dueDate: i.contribution.evidenceDueDate, date: DUE, outcome: "deferred" }];
    const retried = groupByRecipient(items.flatMap((i) => dueSteps(i, deferred(i), addDays(DUE, 1))))[0];
    expect(retried && renderChaseMessage(retried, context(addDays(DUE, 1))).idempotencyKey).toBe(email.idempotencyKey);
    const next = renderChaseMessage(messageFor("jo@acme.example", addDays(DUE, 7)), context(addDays(DUE, 7)));
    expect(next.idempotencyKey).not.toBe(email.idempotencyKey);
    expect(email.idempotencyKey).toMatch(/^chase:[0-9a-f]{64}$/);
  });
});

describe("escalations", () => {
  const day = addDays(DUE, 14); // third reminder: the contract manager is told

  test("to the contract manager: what to chase, with values in £", async () => {
    const email = renderChaseMessage(messageFor(priya.email, day), context(day));
    expect(email.subject).toBe("Please chase: 3 social value items overdue on your contracts for Example Borough Council");
    expect(email.replyTo).toBeUndefined();
    const document = dom(email.html);
    expect(Array.from(document.querySelectorAll('thead th[scope="col"]')).map((th) => th.textContent)).toContain("Supplier");
    expect(Array.from(document.querySelectorAll("td")).map((td) => td.textContent)).toEqual(expect.arrayContaining(["£99,000.00", "£1,234.50", HOSTILE_SUPPLIER]));
    expect(email.text).toContain('The suppliers have not sent evidence for these items; "Chased so far" says what we have sent them. Please chase them.');
    expect(email.text).not.toContain("despite");
    // What the ledger shows was sent, in words: go-live on 30 October, a reminder a week.
    expect(Array.from(document.querySelectorAll("td")).map((td) => td.textContent)).toContain(`We reminded ${HOSTILE_SUPPLIER} on 30 October and 6 November 2026`);
    expectAccessibleShape(email.html);
    expect(await axeViolations(email.html)).toEqual([]);
  });

  test("a supplier that cannot be emailed goes to the contract manager at once, with a note", () => {
    const unreachable = item("SV-7K3Q9M2E", { responder: `Jo "the boss" <at Acme>` });
    const email = renderChaseMessage(messageFor(priya.email, DUE, [unreachable]), context(DUE));
    expect(email.subject).toBe("Supplier cannot be reached: please chase 1 social value item for Example Borough Council");
    const note = Array.from(dom(email.html).querySelectorAll("p")).find((p) => p.textContent?.startsWith("Supplier not reached."));
    expect(note?.textContent).toBe(
      `Supplier not reached. We could not email ${HOSTILE_SUPPLIER}: their report gave "Jo "the boss" <at Acme>", which is not an email address. They have not been reminded, so please contact them directly.`,
    );
    expect(email.html).not.toContain("<at Acme>");
    expect(email.text).toContain("SUPPLIER NOT REACHED.");
  });

  test("to the line manager: follow up, reply-to the contract manager", () => {
    const late = addDays(DUE, 28);
    const email = renderChaseMessage(messageFor(tom.email, late), context(late));
    expect(email.subject).toBe("Escalation: please follow up 3 social value items still without evidence for Example Borough Council");
    expect(email.replyTo).toEqual(priya);
    expect(email.text).toContain('"Chased so far" says who we have reminded and told, and when. Please follow up with Priya Shah, the contract manager.');
    expect(email.text).toContain(`   Chased so far: We reminded ${HOSTILE_SUPPLIER} on 30 October, 6, 13 and 20 November 2026; we told Priya Shah on 13 and 20 November 2026`);
    expect(email.html).toContain("Dear Tom O&#39;Neill,");
  });

  test("someone with two roles gets one email with a section for each", () => {
    const other = contract({ id: "C-2002", title: "Grounds maintenance", contractManager: { ...tom, lineManager: { name: "Dee Cole", email: "dee@example.gov.uk" } } });
    const both = [item("SV-7K3Q9M2F", {}, other), item("SV-7K3Q9M2G", { evidenceDueDate: addDays(DUE, -14) }, contract({ contractManager: { ...priya, lineManager: tom } }))];
    const late = addDays(DUE, 28);
    const email = renderChaseMessage(messageFor(tom.email, late, both), context(late));
    expect(email.subject).toBe("Action needed: 2 social value items overdue for Example Borough Council");
    expect(Array.from(dom(email.html).querySelectorAll("h2")).map((h) => h.textContent)).toEqual(["Overdue evidence on your contracts", "Escalated to you as line manager"]);
  });

  test("a very long list is cut at maxRows with a count of the rest", () => {
    const many = Array.from({ length: 250 }, (_, i) => item(`SV-${String(i).padStart(8, "0")}`));
    const email = renderChaseMessage(messageFor("jo@acme.example", DUE, many), context(DUE));
    expect(dom(email.html).querySelectorAll("tbody tr")).toHaveLength(200);
    expect(email.subject).toBe("Evidence needed: 250 social value items for Example Borough Council");
    expect(email.text).toContain("…and 50 more items not listed here; the chase ledger lists them all.");
  });
});

describe("rejection notices", () => {
  const today = "2026-11-26";
  const notice = (id: string, over: Partial<ChaseItem["contribution"]> = {}) => {
    const rejected = item(id, { evidenceStatus: "rejected", evidenceDueDate: "2026-12-26", rejectionReason: "The timesheets are not signed", ...over });
    return rejectionNoticeStep(rejected, { contractId: "C-1001", contributionId: id, dueDate: rejected.contribution.evidenceDueDate, queuedAt: "2026-11-26T10:40:00.000Z", queuedOn: today }, today);
  };

  test("say the reason, the item, the new due date and how to send new evidence; two rejections make one email", () => {
    const steps = [notice("SV-7K3Q9M2J"), notice("SV-7K3Q9M2K", { rejectionReason: "Wrong quarter" })].filter((s): s is ChaseStep => s !== undefined);
    const [message, ...others] = groupByRecipient(steps);
    expect(others).toEqual([]);
    const email = renderChaseMessage(message!, context(today));
    expect(email.to).toEqual([{ name: HOSTILE_SUPPLIER, email: "jo@acme.example" }]);
    expect(email.subject).toBe("Evidence not accepted: please send new evidence for 2 social value items to Example Borough Council");
    expect(email.text).toContain("1. SV-7K3Q9M2J (due by 26 December 2026)");
    expect(email.text).toContain("   Evidence needed: New evidence: the last was rejected (The timesheets are not signed)");
    expect(email.text).toContain("   Evidence due: 26 December 2026");
    expect(email.text).toContain("   Send it: https://forms.office.com/r/AbCdEf123 (quote SV-7K3Q9M2J)");
    expect(email.text).toContain("(Wrong quarter)");
    expectAccessibleShape(email.html);
  });

  test("are not sent for an item that has moved on, or to a supplier who cannot be emailed", () => {
    expect(notice("SV-7K3Q9M2L", { evidenceStatus: "submitted" })).toBeUndefined();
    expect(notice("SV-7K3Q9M2M", { responder: "by phone" })).toBeUndefined();
  });
});

describe("the weekly digest", () => {
  const today = addDays(DUE, 3);
  const second = contract({ id: "C-2002", title: `Parks <"café"> & play` });
  const list = [...items, item("SV-7K3Q9M2H", { evidenceDueDate: addDays(DUE, -30), value: null, measureCode: "RE1" }, second)];
  const [digest] = weeklyDigests(list, today);

  test("worst first, with totals of social value at risk", async () => {
    const email = renderDigest(digest!, context(today));
    expect(email.to).toEqual([priya]);
    expect(email.subject).toBe(`Weekly digest: 4 social value items overdue on your contracts, £101,469.00 at risk (Example Borough Council)`);
    expect(formatMoney(digest!.valueAtRisk)).toBe("£101,469.00");
    const document = dom(email.html);
    const [byContract, all] = Array.from(document.querySelectorAll("table"));
    expect(Array.from(byContract!.querySelectorAll('tbody th[scope="row"]')).map((th) => th.textContent)).toEqual([`C-2002 Parks <"café"> & play`, "C-1001 Library refurbishment"]);
    expect(Array.from(byContract!.querySelectorAll("tfoot td")).map((td) => td.textContent)).toEqual(["4", "£101,469.00", "33", "0"]);
    expect(email.text).not.toContain("need a look");
    expect(Array.from(all!.querySelectorAll('tbody th[scope="row"]')).map((th) => th.textContent)).toEqual(["SV-7K3Q9M2H", "SV-7K3Q9M2B", "SV-7K3Q9M2A", "SV-7K3Q9M2C"]);
    expect(Array.from(all!.querySelectorAll("tbody tr"))[0]!.textContent).toContain("Not valued");
    expect(email.html).not.toContain(`<"café">`);
    expect(email.text).toContain("- C-2002 Parks <\"café\"> & play: 1 item overdue, £0.00 at risk, most overdue 33 days");
    expect(email.text).toContain("£101,469.00 of social value is at risk");
    expect(email.idempotencyKey).toBe(`digest:${priya.email}:${today}`);
    expectAccessibleShape(email.html);
    expect(await axeViolations(email.html)).toEqual([]);
    // Without a portfolio, no portfolio section.
    expect(email.text).not.toContain("YOUR PORTFOLIO");
  });

  test("carries a short portfolio summary of the recipient's contracts and links to the cabinet report", async () => {
    const portfolio = { contracts: 2, committed: 61_000_000, expected: 30_000_050, delivered: 12_500_000, gap: 17_500_050, statusCounts: { "on-track": 0, behind: 1, "at-risk": 1 }, reportUrl: "https://func-svl.azurewebsites.net/api/portfolio/report" };
    const asked: string[] = [];
    const email = renderDigest(digest!, { ...context(today), portfolio: (recipient) => (asked.push(recipient), portfolio) });
    expect(asked).toEqual([priya.email]);
    expect(email.text).toContain("Across your 2 contracts: £610,000 committed, £300,001 expected by now, £125,000 delivered with accepted evidence (a gap of £175,001); 0 on track, 1 behind, 1 at risk.");
    expect(email.text).toContain("The cabinet report (sign in to open it): https://func-svl.azurewebsites.net/api/portfolio/report");
    const link = dom(email.html).querySelector('a[href="https://func-svl.azurewebsites.net/api/portfolio/report"]');
    expect(link?.textContent).toBe("Open the cabinet report");
    expect(await axeViolations(email.html)).toEqual([]);
    const unlinked = renderDigest(digest!, { ...context(today), portfolio: () => ({ ...portfolio, reportUrl: undefined }) });
    expect(unlinked.text).toContain("/api/portfolio/report on the ledger's API");
  });

  test("counts the items that need a look, per contract and in all", () => {
    const warning = { code: "possible-duplicate" as const, message: "already reported in SV-7K3Q9M2A", relatedIds: ["SV-7K3Q9M2A"] };
    const flaggedList = list.map((i, n) => (n % 2 === 0 ? { ...i, contribution: { ...i.contribution, warnings: [warning] } } : i));
    const [flaggedDigest] = weeklyDigests(flaggedList, today);
    const email = renderDigest(flaggedDigest!, context(today));
    const [byContract] = Array.from(dom(email.html).querySelectorAll("table"));
    const cells = (row: Element) => Array.from(row.querySelectorAll("td")).map((td) => td.textContent);
    expect(cells(byContract!.querySelector("tfoot tr")!).at(-1)).toBe("2");
    expect(Array.from(byContract!.querySelectorAll("tbody tr")).map((r) => cells(r).at(-1))).toEqual(["0", "2"]);
    expect(email.text).toContain("2 of them need a look");
    expect(email.text).toContain(", 2 need a look");
  });
});

describe("the weekly digest with Procurement Act duties", () => {
  const today = addDays(DUE, 3);
  const onlyDuties = { recipient: priya, lines: [], valueAtRisk: 0, contracts: 0, performance: { assessmentsDue: 1, noticesRunningLate: 1 } };

  test("a manager with duties and no overdue evidence is told of the duties, not of 0 items overdue", async () => {
    const email = renderDigest(onlyDuties, context(today));
    expect(email.subject).toBe("Weekly digest: 2 Procurement Act duties due on your contracts (Example Borough Council)");
    expect(email.subject).not.toMatch(/\b0 social value items/);
    const document = dom(email.html);
    expect(document.querySelector("h1")?.textContent).toBe("Procurement Act duties: weekly digest");
    expect(document.querySelectorAll("table")).toHaveLength(0);
    expect(email.text).toContain("no social value evidence is overdue on your contracts");
    expect(email.text).toContain("1 assessment due within 30 days or overdue, 1 failure notice running late.");
    expect(email.text).not.toContain("Please chase the suppliers");
    expect(email.text).not.toContain("BY CONTRACT");
    expect(await axeViolations(email.html)).toEqual([]);
  });

  test("a manager with both hears both counts, in the subject and the heading", () => {
    const [digest] = weeklyDigests([items[0]!], today);
    const email = renderDigest({ ...digest!, performance: { assessmentsDue: 1, noticesRunningLate: 0 } }, context(today));
    expect(email.subject).toBe("Weekly digest: 1 social value item overdue, £1,234.50 at risk, and 1 Procurement Act duty due on your contracts (Example Borough Council)");
    expect(dom(email.html).querySelector("h1")?.textContent).toBe("Overdue social value evidence and Procurement Act duties: weekly digest");
    expect(dom(email.html).querySelectorAll("table")).toHaveLength(2);
  });
});

describe("dates in words", () => {
  test("say each month once and each year once", () => {
    expect(formatDates(["2026-11-10", "2026-11-03"])).toBe("3 and 10 November 2026");
    expect(formatDates(["2026-10-28", "2026-11-04", "2026-11-11"])).toBe("28 October, 4 and 11 November 2026");
    expect(formatDates(["2026-12-30", "2027-01-06"])).toBe("30 December 2026 and 6 January 2027");
    expect(formatDates(["2026-11-03"])).toBe("3 November 2026");
  });
});
