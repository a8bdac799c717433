/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { ChaseLedgerEntry } from "../../shared";
import { FakeApi, TODAY, reference } from "./support/fakeApi";
import { renderPane, signedIn } from "./support/renderPane";

function entry(id: string, overrides: Partial<ChaseLedgerEntry> = {}): ChaseLedgerEntry {
  return {
    id,
    runDate: "2026-11-16",
    kind: "reminder",
    recipient: { name: "Acme Build Ltd", email: "jo@acme.example" },
    role: "supplier",
    subject: "Evidence due for 2 contributions to C-1001",
    contractIds: ["C-1001"],
    contributionIds: [reference(1), reference(4)],
    outcome: "sent",
    claimedAt: "2026-11-16T07:00:00.000Z",
    finishedAt: "2026-11-16T07:00:02.000Z",
    graphRequestId: "req-1",
    ...overrides,
  };
}

function ledger(): FakeApi {
  const api = new FakeApi();
  api.ledger = [
    entry("L1"),
    entry("L2", {
      recipient: { name: "Sam Patel", email: "sam.patel@council.example" },
      role: "contract-manager",
      subject: "Overdue evidence on C-1001",
      claimedAt: "2026-11-23T07:00:00.000Z",
      finishedAt: "2026-11-23T07:00:05.000Z",
      outcome: "failed",
      failure: "Graph answered 403 ErrorAccessDenied: the mailbox may not send as svl@council.example",
    }),
  ];
  return api;
}

const bodyRows = () => within(screen.getByRole("table", { name: "Chase ledger" })).getAllByRole("row").slice(1);

test("the ledger says who was chased, when, at which step, and with what result, newest first", async () => {
  const api = ledger();
  renderPane(await signedIn(api), "chase-ledger");
  await screen.findByRole("table", { name: "Chase ledger" });
  const [first, second] = bodyRows();
  expect(first?.textContent).toContain("23 Nov 2026, 07:00");
  expect(first?.textContent).toContain("Sam Patel (sam.patel@council.example)");
  expect(first?.textContent).toContain("Escalation to the contract manager: 2 contributions");
  expect(first?.textContent).toContain("failed");
  expect(first?.textContent).toContain("Graph answered 403 ErrorAccessDenied");
  expect(second?.textContent).toContain("16 Nov 2026, 07:00");
  expect(second?.textContent).toContain("Reminder to the supplier: 2 contributions");
  expect(second?.textContent).toContain("sent");
  expect(screen.getByText("Reminders, escalations and digests for every contract, newest first. Pick a contract to see only its chasing.")).toBeTruthy();
});

test("an Officer has no button to run the chase", async () => {
  const api = ledger();
  renderPane(await signedIn(api, "Officer"), "chase-ledger");
  await screen.findByRole("table", { name: "Chase ledger" });
  expect(screen.queryByRole("button", { name: "Run the chase now" })).toBeNull();
});

test("a Manager runs the chase now, sees what was sent, and the ledger is loaded again", async () => {
  const api = ledger();
  // The run's messages are the ledger entries whose ids end with its run id.
  const sent = entry(`${TODAY}|jo@acme.example|reminder|0a1b2c3d`, { claimedAt: `${TODAY}T09:00:01.000Z`, finishedAt: `${TODAY}T09:00:02.000Z`, runDate: TODAY });
  const deferred = entry(`${TODAY}|priya@brightway.example|reminder|0a1b2c3d`, { recipient: { name: "Priya", email: "priya@brightway.example" }, outcome: "deferred", claimedAt: `${TODAY}T09:00:00.000Z`, runDate: TODAY });
  api.chaseRun = { ...api.chaseRun, sent: 1, failed: 0, deferred: 1, alreadyDone: 2 };
  renderPane(await signedIn(api, "Manager"), "chase-ledger");
  await screen.findByRole("table", { name: "Chase ledger" });
  api.ledger = [...api.ledger, sent, deferred];

  fireEvent.click(screen.getByRole("button", { name: "Run the chase now" }));
  const title = await screen.findByText(/^Chase run for /);
  const notice = title.closest('[role="group"]') as HTMLElement;
  expect(notice.textContent).toContain("1 email sent, 0 failed, 1 deferred to the next run; 2 steps already done earlier.");
  const emails = await within(notice).findByRole("list", { name: "Emails this run handled" });
  expect(within(emails).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
    "Acme Build Ltd (jo@acme.example): reminder to the supplier, sent",
    "Priya (priya@brightway.example): reminder to the supplier, deferred to the next run",
  ]);
  expect(api.requestsTo("POST", "chase/run")).toHaveLength(1);
  expect(api.requestsTo("GET", "chase/runs/0a1b2c3d").length).toBeGreaterThanOrEqual(1);
  await waitFor(() => expect(bodyRows()).toHaveLength(4));
  await waitFor(() => expect(document.activeElement).toBe(notice));
});

test("a chase run that fails is explained, with Retry", async () => {
  const api = ledger();
  api.failNext("POST", "chase/run", 503);
  renderPane(await signedIn(api, "Manager"), "chase-ledger");
  fireEvent.click(await screen.findByRole("button", { name: "Run the chase now" }));
  const title = await screen.findByText("The chase did not run.");
  fireEvent.click(within(title.closest('[role="group"]') as HTMLElement).getByRole("button", { name: "Retry" }));
  expect(await screen.findByText(/^Chase run for /)).toBeTruthy();
  expect(screen.queryByText("The chase did not run.")).toBeNull();
});

test("with a contract picked, only that contract's chasing is shown", async () => {
  const api = ledger();
  api.ledger.push(entry("L9", { contractIds: ["C-2002"], subject: "Another contract" }));
  renderPane(await signedIn(api));
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  fireEvent.click(screen.getByRole("tab", { name: "Chase ledger" }));
  await screen.findByRole("table", { name: "Chase ledger" });
  expect(bodyRows()).toHaveLength(2);
  expect(api.requestsTo("GET", "chase/ledger").at(-1)?.query.get("contractId")).toBe("C-1001");
  expect(screen.getByText("Reminders and escalations for contract C-1001, newest first.")).toBeTruthy();
});
