import { addPounds, daysBetween, formatMoney, formatPence, plural } from "../../../shared";
import type { ChaseItem, ChaseMessage, ChaseRole, ChaseStep, Contact, Digest, DigestLine, IsoDate, PerformanceDuty, PortfolioStatus } from "../../../shared";
import type { OutgoingEmail } from "./mailer";
import { sha256Hex } from "./mime";

/**
 * The words of the chase: rejection notices and reminders to suppliers, escalations to contract
 * managers and their line managers, and the weekly digest. What they say was sent before comes
 * from the chase ledger (each step's `sentSoFar`), never from the calendar. Each is accessible HTML (real table headers, en-GB, no images,
 * inline styles only, as mail clients drop style sheets) with a plain-text alternative. Anything a
 * supplier typed is escaped before it goes into HTML.
 */

/** How a measure reads in the contract's pinned pack. */
export interface MeasureWords {
  description: string;
  unit: string;
  /** What evidence proves it, when the pack or the contract says. */
  evidence?: string;
}

export interface ChaseEmailContext {
  /** The organisation chasing, e.g. "Example Borough Council". */
  organisation: string;
  /** Today in the organisation's time zone. */
  today: IsoDate;
  /** Words for a measure code; without them the code alone is shown. */
  measure?: (contractId: string, measureCode: string) => MeasureWords | undefined;
  /** Rows listed in one email; the rest are counted (totals always cover everything). Default 200. */
  maxRows?: number;
  /** The digest recipient's contracts rolled up, for the digest's short portfolio summary. */
  portfolio?: (recipientEmail: string) => DigestPortfolio | undefined;
}

/** A contract manager's portfolio in a few figures (whole pence) for the weekly digest, and where the cabinet report is. */
export interface DigestPortfolio {
  contracts: number;
  committed: number;
  expected: number;
  delivered: number;
  gap: number;
  statusCounts: Record<PortfolioStatus, number>;
  /** PORTFOLIO_REPORT_URL; without it the digest names the route. */
  reportUrl?: string;
}

function portfolioLines(p: DigestPortfolio): { summary: string; report: string } {
  return {
    summary:
      `Across your ${plural(p.contracts, "contract")}: ${formatPence(p.committed)} committed, ${formatPence(p.expected)} expected by now, ` +
      `${formatPence(p.delivered)} delivered with accepted evidence (a gap of ${formatPence(p.gap)}); ` +
      `${p.statusCounts["on-track"]} on track, ${p.statusCounts.behind} behind, ${p.statusCounts["at-risk"]} at risk.`,
    report: p.reportUrl ? `The cabinet report (sign in to open it): ${p.reportUrl}` : "The cabinet report is in the task pane's Portfolio panel and at /api/portfolio/report on the ledger's API (sign in to open it).",
  };
}

// ---------- formatting ----------

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const QUANTITY = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "30 September 2026": months in full read better aloud than "Sept", and do not vary with the ICU version. */
export function formatDate(date: IsoDate): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** "3 and 10 November 2026", "28 October and 4 November 2026": days grouped by month, each year said once. */
export function formatDates(dates: readonly IsoDate[]): string {
  const groups: { month: string; year: string; days: number[] }[] = [];
  for (const date of [...dates].sort()) {
    const [year, month, day] = date.split("-") as [string, string, string];
    const last = groups[groups.length - 1];
    if (last && last.month === month && last.year === year) last.days.push(Number(day));
    else groups.push({ month, year, days: [Number(day)] });
  }
  const list = (parts: string[]) => (parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`);
  const words = groups.map((g, i) => {
    const sameYearNext = groups[i + 1]?.year === g.year;
    return `${list(g.days.map(String))} ${MONTHS[Number(g.month) - 1]}${sameYearNext ? "" : ` ${g.year}`}`;
  });
  // "28 October, 4 and 11 November": a last month with several days has its own "and".
  const lastGroup = groups[groups.length - 1];
  if (words.length > 1 && lastGroup && lastGroup.days.length > 1) return words.join(", ");
  return list(words);
}

/** A rejection notice's item is due in the future: "due by …", not "due today". */
function overdueWords(days: number, dueDate: IsoDate, today: IsoDate): string {
  if (days > 0) return `${plural(days, "day")} overdue`;
  return daysBetween(dueDate, today) < 0 ? `due by ${formatDate(dueDate)}` : "due today";
}

/** One line of supplier text for a table cell or a text line: no line breaks, at most `max` characters. */
function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Only http(s) addresses become links; anything else could be a script URL. */
function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

// ---------- the facts about one item, as words ----------

interface ItemWords {
  reference: string;
  contract: string;
  supplier: string;
  measure: string;
  period: string;
  quantity: string;
  value: string;
  due: string;
  overdue: string;
  status: string;
  needed: string;
  reported: string;
  /** What the ledger shows was sent about it, in the words of the recipient's role. */
  chased: string;
  formUrl: string | undefined;
}

/** What was really sent about an item before this email, said to the person `step` is for. */
function chasedWords(step: ChaseStep | undefined): string {
  if (!step || step.role === "rejection") return "";
  const { supplier, contractManager } = step.sentSoFar;
  const name = clip(step.item.contribution.supplier, 120);
  if (step.role === "supplier") return supplier.length === 0 ? "This is the first reminder" : `We reminded you on ${formatDates(supplier)}`;
  const reminded =
    supplier.length > 0
      ? `We reminded ${name} on ${formatDates(supplier)}`
      : step.unreachableSupplier
        ? `${name} has not been reminded: we could not email them`
        : `${name} has not been reminded yet`;
  if (step.role === "contract-manager") return reminded;
  const manager = step.item.contract.contractManager.name;
  return contractManager.length > 0 ? `${reminded}; we told ${manager} on ${formatDates(contractManager)}` : `${reminded}; ${manager} has not been told yet`;
}

function describeItem(item: ChaseItem, daysOverdue: number, context: ChaseEmailContext, step?: ChaseStep): ItemWords {
  const c = item.contribution;
  const words = context.measure?.(item.contract.id, c.measureCode);
  const quantity = `${QUANTITY.format(c.quantity)}${words ? ` ${words.unit}` : ""}`;
  const needed =
    c.evidenceStatus === "rejected"
      ? `New evidence: the last was rejected (${clip(c.rejectionReason ?? "no reason recorded", 200)})`
      : (words?.evidence ?? `Records showing the ${quantity} reported`);
  return {
    reference: c.id,
    contract: `${item.contract.id} ${clip(item.contract.title, 120)}`,
    supplier: clip(c.supplier, 120),
    measure: words ? `${c.measureCode} ${clip(words.description, 160)}` : c.measureCode,
    period: `${formatDate(c.periodStart)} to ${formatDate(c.periodEnd)}`,
    quantity,
    value: c.value === null ? "Not valued" : formatMoney(c.value),
    due: formatDate(c.evidenceDueDate),
    overdue: overdueWords(daysOverdue, c.evidenceDueDate, context.today),
    status: c.evidenceStatus === "rejected" ? "Rejected" : "Missing",
    needed,
    reported: clip(c.description, 200),
    chased: chasedWords(step),
    formUrl: safeLink(item.contract.formUrl),
  };
}

// ---------- HTML building blocks ----------

const STYLE = {
  body: "margin:0;padding:16px;background:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;",
  h1: "font-size:24px;line-height:1.25;margin:0 0 16px 0;",
  h2: "font-size:20px;line-height:1.3;margin:24px 0 8px 0;",
  p: "margin:0 0 16px 0;",
  note: "margin:0 0 16px 0;padding:12px;border-left:5px solid #d4351c;background:#fbeae8;",
  table: "border-collapse:collapse;margin:0 0 16px 0;font-size:14px;",
  caption: "text-align:left;font-weight:bold;padding:0 0 8px 0;",
  th: "text-align:left;vertical-align:top;padding:6px 8px;border:1px solid #b1b4b6;background:#f3f2f1;",
  reference: "text-align:left;vertical-align:top;padding:6px 8px;border:1px solid #b1b4b6;background:#f3f2f1;white-space:nowrap;",
  td: "text-align:left;vertical-align:top;padding:6px 8px;border:1px solid #b1b4b6;",
  num: "text-align:right;vertical-align:top;padding:6px 8px;border:1px solid #b1b4b6;white-space:nowrap;",
  link: "color:#1d70b8;text-decoration:underline;",
  small: "margin:24px 0 0 0;font-size:14px;color:#505a5f;",
};

interface Column {
  header: string;
  /** Escaped HTML for the cell. */
  cell(words: ItemWords): string;
  numeric?: boolean;
}

const text = (pick: (w: ItemWords) => string) => (w: ItemWords) => escapeHtml(pick(w));

const COLUMNS: Record<string, Column> = {
  contract: { header: "Contract", cell: text((w) => w.contract) },
  supplier: { header: "Supplier", cell: text((w) => w.supplier) },
  measure: { header: "Measure", cell: text((w) => w.measure) },
  reported: { header: "What was reported", cell: text((w) => w.reported) },
  period: { header: "Period", cell: text((w) => w.period) },
  quantity: { header: "Quantity", cell: text((w) => w.quantity), numeric: true },
  value: { header: "Social value", cell: text((w) => w.value), numeric: true },
  due: { header: "Evidence due", cell: text((w) => w.due) },
  overdue: { header: "Days overdue", cell: text((w) => w.overdue) },
  status: { header: "Evidence", cell: text((w) => w.status) },
  needed: { header: "Evidence needed", cell: text((w) => w.needed) },
  reminded: { header: "Reminded before", cell: text((w) => w.chased) },
  chased: { header: "Chased so far", cell: text((w) => w.chased) },
  send: {
    header: "How to send it",
    cell: (w) =>
      w.formUrl
        ? `<a href="${escapeHtml(w.formUrl)}" style="${STYLE.link}">Send evidence for ${escapeHtml(w.reference)}</a>`
        : `Reply to this email quoting ${escapeHtml(w.reference)}`,
  },
};

function itemTable(caption: string, items: ItemWords[], columns: Column[]): string {
  const head = `<tr><th scope="col" style="${STYLE.th}">Reference</th>${columns.map((c) => `<th scope="col" style="${STYLE.th}">${escapeHtml(c.header)}</th>`).join("")}</tr>`;
  const rows = items
    .map(
      (w) =>
        `<tr><th scope="row" style="${STYLE.reference}">${escapeHtml(w.reference)}</th>${columns
          .map((c) => `<td style="${c.numeric ? STYLE.num : STYLE.td}">${c.cell(w)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table style="${STYLE.table}">\n<caption style="${STYLE.caption}">${escapeHtml(caption)}</caption>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

function page(subject: string, content: string[]): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en-GB">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    // A landmark lets screen readers jump to the message; a role rather than <main> survives more mail clients.
    '<div role="main">',
    ...content,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const para = (html: string, style = STYLE.p) => `<p style="${style}">${html}</p>`;

// ---------- plain text ----------

function textItem(n: number, w: ItemWords, fields: Array<keyof ItemWords>): string {
  const labels: Partial<Record<keyof ItemWords, string>> = {
    contract: "Contract",
    supplier: "Supplier",
    measure: "Measure",
    reported: "What was reported",
    period: "Period",
    quantity: "Quantity",
    value: "Social value",
    due: "Evidence due",
    status: "Evidence",
    needed: "Evidence needed",
    chased: "Chased so far",
  };
  const lines = [`${n}. ${w.reference} (${w.overdue})`];
  for (const field of fields) lines.push(`   ${labels[field]}: ${w[field]}`);
  return lines.join("\n");
}

function sendLine(w: ItemWords): string {
  return w.formUrl ? `   Send it: ${w.formUrl} (quote ${w.reference})` : `   Send it: reply to this email quoting ${w.reference}`;
}

// ---------- chase messages ----------

const TO_SUPPLIER: ReadonlySet<ChaseRole> = new Set(["supplier", "rejection"]);

interface RoleSection {
  role: ChaseRole;
  steps: ChaseStep[];
}

const ROLE_ORDER: ChaseRole[] = ["rejection", "supplier", "contract-manager", "line-manager"];

function sections(message: ChaseMessage): RoleSection[] {
  return ROLE_ORDER.map((role) => ({ role, steps: message.steps.filter((s) => s.role === role) })).filter((s) => s.steps.length > 0);
}

function contractManagers(steps: ChaseStep[]): Contact[] {
  const byEmail = new Map<string, Contact>();
  for (const s of steps) {
    const { name, email } = s.item.contract.contractManager;
    byEmail.set(email.toLowerCase(), { name, email });
  }
  return [...byEmail.values()];
}

function chaseSubject(message: ChaseMessage, parts: RoleSection[], organisation: string): string {
  const items = plural(message.steps.length, "social value item");
  if (parts.length > 1) return `Action needed: ${items} overdue for ${organisation}`;
  const only = parts[0] as RoleSection;
  if (only.role === "rejection") return `Evidence not accepted: please send new evidence for ${items} to ${organisation}`;
  if (only.role === "supplier") return `Evidence needed: ${items} for ${organisation}`;
  if (only.role === "contract-manager") {
    return only.steps.some((s) => s.unreachableSupplier)
      ? `Supplier cannot be reached: please chase ${items} for ${organisation}`
      : `Please chase: ${items} overdue on your contracts for ${organisation}`;
  }
  return `Escalation: please follow up ${items} still without evidence for ${organisation}`;
}

interface SectionText {
  heading: string;
  intro: string;
  columns: Array<keyof typeof COLUMNS>;
}

function sectionText(part: RoleSection, organisation: string): SectionText {
  const n = part.steps.length;
  if (part.role === "rejection") {
    return {
      heading: "Evidence we could not accept",
      intro:
        `${organisation} has reviewed the evidence you sent and could not accept it. For each item below, the reason is given ` +
        "and the date new evidence is due by. Please send new evidence through the form and quote the item's reference.",
      columns: ["contract", "measure", "reported", "period", "quantity", "needed", "due", "send"],
    };
  }
  if (part.role === "supplier") {
    const escalating = part.steps.some((s) => s.reminderNumber >= s.item.contract.reminderPolicy.escalateAfterReminders);
    return {
      heading: "Evidence we need from you",
      intro:
        `${organisation} is waiting for evidence of the social value you reported. For each item below, please send the evidence ` +
        `through the form and quote the item's reference.` +
        (escalating ? " If it does not arrive, the contract manager will be told." : ""),
      columns: ["contract", "measure", "reported", "period", "quantity", "due", "overdue", "reminded", "needed", "send"],
    };
  }
  if (part.role === "contract-manager") {
    return {
      heading: "Overdue evidence on your contracts",
      intro: `The supplier${n === 1 ? " has" : "s have"} not sent evidence for ${n === 1 ? "this item" : "these items"}; "Chased so far" says what we have sent them. Please chase them.`,
      columns: ["contract", "supplier", "measure", "reported", "period", "quantity", "value", "due", "overdue", "chased", "needed"],
    };
  }
  const managers = contractManagers(part.steps).map((m) => m.name);
  return {
    heading: "Escalated to you as line manager",
    intro: `Evidence for ${n === 1 ? "this item" : "these items"} is still overdue; "Chased so far" says who we have reminded and told, and when. Please follow up with ${managers.join(", ")}, the contract manager.`,
    columns: ["contract", "supplier", "measure", "period", "quantity", "value", "due", "overdue", "chased", "needed"],
  };
}

interface Unreachable {
  supplier: string;
  responder: string;
  /** The mail system's words when it refused the address. */
  reason?: string;
}

function unreachableSuppliers(steps: ChaseStep[]): Unreachable[] {
  const seen = new Map<string, Unreachable>();
  for (const s of steps) {
    if (!s.unreachableSupplier || s.role === "supplier") continue;
    const c = s.item.contribution;
    seen.set(`${c.supplier}\u0000${c.responder}`, {
      supplier: clip(c.supplier, 120),
      responder: clip(c.responder, 120),
      ...(s.unreachableReason ? { reason: clip(s.unreachableReason, 300) } : {}),
    });
  }
  return [...seen.values()];
}

function unreachableSentence(u: Unreachable): string {
  if (u.reason) {
    return `We could not email ${u.supplier}: the mail system refused their address "${u.responder}" (${u.reason}). They have not been reminded, so please contact them directly.`;
  }
  return u.responder
    ? `We could not email ${u.supplier}: their report gave "${u.responder}", which is not an email address. They have not been reminded, so please contact them directly.`
    : `We could not email ${u.supplier}: their report gave no email address. They have not been reminded, so please contact them directly.`;
}

/** Reply-to: the contract manager of the most overdue item, unless that is the recipient. */
function replyToFor(message: ChaseMessage): Contact | undefined {
  const manager = message.steps[0]?.item.contract.contractManager;
  if (!manager || manager.email.toLowerCase() === message.recipient.email.toLowerCase()) return undefined;
  return { name: manager.name, email: manager.email };
}

function moreLine(hidden: number): string {
  return `…and ${plural(hidden, "more item")} not listed here; the chase ledger lists them all.`;
}

// ---------- Procurement Act duties ----------

function dutyWhat(d: PerformanceDuty): string {
  if (d.kind === "assessment") return "Assess the KPIs and publish a contract performance notice (UK9)";
  const kind = d.failure?.kind === "breach" ? "breach" : "poor performance";
  return `Publish the notice of ${kind} decided on ${formatDate(d.failure?.decisionDate ?? d.dueDate)}`;
}

function dutyWhen(d: PerformanceDuty): string {
  if (d.daysLeft < 0) return `${plural(-d.daysLeft, "day")} overdue (due ${formatDate(d.dueDate)})`;
  if (d.daysLeft === 0) return `due today (${formatDate(d.dueDate)})`;
  return `due in ${plural(d.daysLeft, "day")} (${formatDate(d.dueDate)})`;
}

const dutySubject = (n: number, organisation: string) => `Procurement Act: ${plural(n, "duty", "duties")} due on your contracts for ${organisation}`;

/** The section on a contract manager's duties (Procurement Act 2023 s.71 and the 30-day failure notice); the product publishes nothing itself. */
function dutySection(duties: readonly PerformanceDuty[]): { html: string[]; plain: string[] } {
  const heading = "Procurement Act duties on your contracts";
  const intro = "These are due on contracts you manage. The social value ledger prepares the notices for you to check; enter them on Find a Tender yourself.";
  const rows = duties.map(
    (d) =>
      `<tr><th scope="row" style="${STYLE.reference}">${escapeHtml(`${d.contract.id} ${clip(d.contract.title, 120)}`)}</th><td style="${STYLE.td}">${escapeHtml(dutyWhat(d))}</td><td style="${STYLE.td}">${escapeHtml(dutyWhen(d))}</td></tr>`,
  );
  const table = [
    `<table style="${STYLE.table}">`,
    `<caption style="${STYLE.caption}">${escapeHtml(plural(duties.length, "duty", "duties"))}, soonest first</caption>`,
    `<thead><tr><th scope="col" style="${STYLE.th}">Contract</th><th scope="col" style="${STYLE.th}">What</th><th scope="col" style="${STYLE.th}">When</th></tr></thead>`,
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
  ].join("\n");
  return {
    html: [`<h2 style="${STYLE.h2}">${escapeHtml(heading)}</h2>`, para(escapeHtml(intro)), table],
    plain: [heading.toUpperCase(), "", intro, "", ...duties.map((d, i) => `${i + 1}. ${d.contract.id} ${clip(d.contract.title, 120)}: ${dutyWhat(d)}, ${dutyWhen(d)}`), ""],
  };
}

/**
 * One email for one recipient for one run: every item they are told about, in sections by their
 * role, and a contract manager's Procurement Act duties (which may be all it carries).
 */
export function renderChaseMessage(message: ChaseMessage, context: ChaseEmailContext, duties: readonly PerformanceDuty[] = []): OutgoingEmail {
  if (message.steps.length === 0 && duties.length === 0) throw new RangeError(`a chase message to ${message.recipient.email} has no items`);
  const { organisation } = context;
  const maxRows = context.maxRows ?? 200;
  const parts = sections(message);
  const subject = message.steps.length > 0 ? chaseSubject(message, parts, organisation) : dutySubject(duties.length, organisation);
  const replyTo = replyToFor(message);
  const unreachable = unreachableSuppliers(message.steps);

  const html: string[] = [`<h1 style="${STYLE.h1}">${escapeHtml(subject)}</h1>`, para(`Dear ${escapeHtml(clip(message.recipient.name, 120))},`)];
  const plain: string[] = [subject, "", `Dear ${clip(message.recipient.name, 120)},`, ""];
  for (const u of unreachable) {
    html.push(para(`<strong>Supplier not reached.</strong> ${escapeHtml(unreachableSentence(u))}`, STYLE.note));
    plain.push(`SUPPLIER NOT REACHED. ${unreachableSentence(u)}`, "");
  }
  let shown = 0;
  for (const part of parts) {
    const words = sectionText(part, organisation);
    const room = Math.max(0, maxRows - shown);
    const listed = part.steps.slice(0, room).map((s) => describeItem(s.item, s.daysOverdue, context, s));
    shown += listed.length;
    const hidden = part.steps.length - listed.length;
    html.push(`<h2 style="${STYLE.h2}">${escapeHtml(words.heading)}</h2>`, para(escapeHtml(words.intro)));
    plain.push(words.heading.toUpperCase(), "", words.intro, "");
    if (listed.length > 0) {
      html.push(itemTable(`${plural(part.steps.length, "item")}, most overdue first`, listed, words.columns.map((c) => COLUMNS[c] as Column)));
      const fields = words.columns.filter((c) => c !== "send" && c !== "overdue").map((c) => (c === "reminded" ? "chased" : c)) as Array<keyof ItemWords>;
      listed.forEach((w, i) => {
        plain.push(textItem(i + 1, w, fields));
        if (TO_SUPPLIER.has(part.role)) plain.push(sendLine(w));
        plain.push("");
      });
    }
    if (hidden > 0) {
      html.push(para(escapeHtml(moreLine(hidden))));
      plain.push(moreLine(hidden), "");
    }
  }
  if (duties.length > 0) {
    const section = dutySection(duties);
    html.push(...section.html);
    plain.push(...section.plain);
  }
  const footer = replyTo
    ? `This message was sent by ${organisation}'s social value ledger. Replies go to ${replyTo.name}, the contract manager.`
    : `This message was sent by ${organisation}'s social value ledger.`;
  html.push(para(escapeHtml(footer), STYLE.small));
  plain.push("--", footer, "");

  const keys = [...message.steps.map((s) => s.key), ...duties.map((d) => d.key)].sort();
  return {
    to: [message.recipient],
    ...(replyTo ? { replyTo } : {}),
    subject,
    html: page(subject, html),
    text: plain.join("\n"),
    idempotencyKey: `chase:${sha256Hex(`${message.recipient.email.toLowerCase()}\n${keys.join("\n")}`)}`,
  };
}

// ---------- weekly digest ----------

interface ContractTotal {
  contract: string;
  items: number;
  atRisk: number;
  worst: number;
  /** Items with warnings (docs/WARNINGS.md). */
  needLook: number;
}

const needsLook = (line: DigestLine) => (line.item.contribution.warnings?.length ?? 0) > 0;

function contractTotals(lines: DigestLine[]): ContractTotal[] {
  const totals = new Map<string, ContractTotal>();
  for (const line of lines) {
    const c = line.item.contract;
    const total = totals.get(c.id) ?? { contract: `${c.id} ${clip(c.title, 120)}`, items: 0, atRisk: 0, worst: 0, needLook: 0 };
    total.items++;
    if (needsLook(line)) total.needLook++;
    total.atRisk = addPounds(total.atRisk, line.item.contribution.value ?? 0);
    total.worst = Math.max(total.worst, line.daysOverdue);
    totals.set(c.id, total);
  }
  return [...totals.values()].sort((a, b) => b.worst - a.worst || b.atRisk - a.atRisk);
}

/** The digest's subject and heading say what it carries: overdue evidence, Procurement Act duties, or both (never "0 items overdue"). */
function digestTitles(n: number, atRisk: string, dutyCount: number, organisation: string): { subject: string; heading: string } {
  const evidence = `${plural(n, "social value item")} overdue`;
  const duties = `${plural(dutyCount, "Procurement Act duty", "Procurement Act duties")} due`;
  if (dutyCount === 0) return { subject: `Weekly digest: ${evidence} on your contracts, ${atRisk} at risk (${organisation})`, heading: "Overdue social value evidence: weekly digest" };
  if (n === 0) return { subject: `Weekly digest: ${duties} on your contracts (${organisation})`, heading: "Procurement Act duties: weekly digest" };
  return { subject: `Weekly digest: ${evidence}, ${atRisk} at risk, and ${duties} on your contracts (${organisation})`, heading: "Overdue social value evidence and Procurement Act duties: weekly digest" };
}

/** The weekly digest to a contract manager: everything overdue on their contracts, worst first, and the value at risk; and their Procurement Act duties. */
export function renderDigest(digest: Digest, context: ChaseEmailContext): OutgoingEmail {
  const { organisation, today } = context;
  const maxRows = context.maxRows ?? 200;
  const n = digest.lines.length;
  const atRisk = formatMoney(digest.valueAtRisk);
  const flagged = digest.lines.filter(needsLook).length;
  const duties = digest.performance;
  const dutyCount = duties ? duties.assessmentsDue + duties.noticesRunningLate : 0;
  const { subject, heading } = digestTitles(n, atRisk, dutyCount, organisation);
  const summary =
    n === 0
      ? `As at ${formatDate(today)}, no social value evidence is overdue on your contracts.`
      : `As at ${formatDate(today)}, ${plural(n, "item")} on ${plural(digest.contracts, "contract")} ${n === 1 ? "is" : "are"} overdue. ` +
        `${atRisk} of social value is at risk: the value of contributions whose evidence is still owed. ` +
        "Please chase the suppliers who have not sent evidence." +
        (flagged > 0 ? ` ${flagged} of them need a look: the ledger flagged a possible duplicate, an implausible value or a period to check (the task pane's "Needs a look" filter).` : "");
  const dutyLine = duties
    ? `Procurement Act duties on your contracts: ${plural(duties.assessmentsDue, "assessment")} due within 30 days or overdue, ${plural(duties.noticesRunningLate, "failure notice")} running late.`
    : undefined;
  const footer = `This digest was sent by ${organisation}'s social value ledger every week while evidence is overdue or a Procurement Act duty is due on your contracts.`;
  const totals = contractTotals(digest.lines);
  const listed = digest.lines.slice(0, maxRows).map((l) => describeItem(l.item, l.daysOverdue, context));
  const hidden = n - listed.length;

  const byContract = [
    `<table style="${STYLE.table}">`,
    `<caption style="${STYLE.caption}">By contract</caption>`,
    `<thead><tr><th scope="col" style="${STYLE.th}">Contract</th><th scope="col" style="${STYLE.th}">Items overdue</th><th scope="col" style="${STYLE.th}">Value at risk</th><th scope="col" style="${STYLE.th}">Most days overdue</th><th scope="col" style="${STYLE.th}">Need a look</th></tr></thead>`,
    "<tbody>",
    ...totals.map(
      (t) =>
        `<tr><th scope="row" style="${STYLE.th}">${escapeHtml(t.contract)}</th><td style="${STYLE.num}">${t.items}</td><td style="${STYLE.num}">${escapeHtml(formatMoney(t.atRisk))}</td><td style="${STYLE.num}">${t.worst}</td><td style="${STYLE.num}">${t.needLook}</td></tr>`,
    ),
    "</tbody>",
    `<tfoot><tr><th scope="row" style="${STYLE.th}">Total</th><td style="${STYLE.num}">${n}</td><td style="${STYLE.num}">${escapeHtml(atRisk)}</td><td style="${STYLE.num}">${digest.lines[0]?.daysOverdue ?? 0}</td><td style="${STYLE.num}">${flagged}</td></tr></tfoot>`,
    "</table>",
  ].join("\n");
  const columns = (["contract", "supplier", "measure", "period", "quantity", "value", "due", "overdue", "status"] as const).map((c) => COLUMNS[c] as Column);
  const portfolio = context.portfolio?.(digest.recipient.email);
  const portfolioText = portfolio ? portfolioLines(portfolio) : undefined;
  const reportLink = portfolio?.reportUrl ? safeLink(portfolio.reportUrl) : undefined;

  const html = [
    `<h1 style="${STYLE.h1}">${escapeHtml(heading)}</h1>`,
    para(`Dear ${escapeHtml(clip(digest.recipient.name, 120))},`),
    para(escapeHtml(summary)),
    ...(dutyLine ? [para(escapeHtml(dutyLine))] : []),
    // No overdue evidence, no empty tables.
    ...(n > 0 ? [byContract, itemTable(`All ${plural(n, "overdue item")}, most overdue first`, listed, columns)] : []),
    ...(hidden > 0 ? [para(escapeHtml(moreLine(hidden)))] : []),
    ...(portfolioText
      ? [
          `<h2 style="${STYLE.h2}">Your portfolio</h2>`,
          para(escapeHtml(portfolioText.summary)),
          para(reportLink ? `<a href="${escapeHtml(reportLink)}" style="${STYLE.link}">Open the cabinet report</a> (sign in to open it)` : escapeHtml(portfolioText.report)),
        ]
      : []),
    para(escapeHtml(footer), STYLE.small),
  ];

  const plain = [
    heading,
    "",
    `Dear ${clip(digest.recipient.name, 120)},`,
    "",
    summary,
    "",
    ...(dutyLine ? [dutyLine, ""] : []),
    ...(n > 0
      ? [
          "BY CONTRACT",
          "",
          ...totals.map((t) => `- ${t.contract}: ${plural(t.items, "item")} overdue, ${formatMoney(t.atRisk)} at risk, most overdue ${plural(t.worst, "day")}${t.needLook > 0 ? `, ${t.needLook} need a look` : ""}`),
          `- Total: ${plural(n, "item")}, ${atRisk} at risk${flagged > 0 ? `, ${flagged} need a look` : ""}`,
          "",
          "ALL OVERDUE ITEMS, MOST OVERDUE FIRST",
          "",
          ...listed.map((w, i) => textItem(i + 1, w, ["contract", "supplier", "measure", "period", "quantity", "value", "due", "status"]) + "\n"),
        ]
      : []),
    ...(hidden > 0 ? [moreLine(hidden), ""] : []),
    ...(portfolioText ? ["YOUR PORTFOLIO", "", portfolioText.summary, portfolioText.report, ""] : []),
    "--",
    footer,
    "",
  ];

  return {
    to: [digest.recipient],
    subject,
    html: page(subject, html),
    text: plain.join("\n"),
    idempotencyKey: `digest:${digest.recipient.email.toLowerCase()}:${today}`,
  };
}
