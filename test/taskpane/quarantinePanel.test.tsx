/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { QuarantineItem } from "../../shared";
import { prettyRaw, supplierEmailHref } from "../../taskpane/panels/QuarantinePanel";
import { FakeApi } from "./support/fakeApi";
import { renderPane, signedIn } from "./support/renderPane";

const RAW = JSON.stringify({
  formId: "svl-form",
  responseId: 41,
  submittedAt: "2026-11-20T10:15:00Z",
  responder: "jo@acme.example",
  answers: { contractRef: "C-1001", supplier: "Acme Build Ltd", measureCode: "NT1", quantity: "2,5", periodStart: "2026-07-01", periodEnd: "2026-09-30" },
});

function item(n: number, overrides: Partial<QuarantineItem> = {}): QuarantineItem {
  return {
    id: `Q-${String(n).padStart(4, "0")}`,
    receivedAt: "2026-11-20T10:15:03.000Z",
    contentType: "application/json",
    formId: "svl-form",
    responseId: String(40 + n),
    reasons: [
      { path: ["answers", "quantity"], message: '"2,5" is not a number; write 2.5' },
      { path: ["answers", "measureCode"], message: 'measure "NT1" is not in example 2026-illustrative' },
    ],
    raw: RAW,
    supplier: "Acme Build Ltd",
    responder: "jo@acme.example",
    contractRef: "C-1001",
    ...overrides,
  };
}

async function openQuarantine(api: FakeApi) {
  renderPane(await signedIn(api), "quarantine");
  return screen.findByRole("list", { name: "Quarantined submissions" });
}

test("each refused submission says who sent it, for which contract and when, and each reason as a sentence; the details sit behind a disclosure", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1, { reasons: [...item(1).reasons, { path: ["submittedAt"], message: "is required" }] })];
  const list = await openQuarantine(api);
  const entry = within(list).getAllByRole("listitem")[0] as HTMLElement;
  expect(within(entry).getAllByRole("heading", { level: 3 })[0]?.textContent).toBe("From Acme Build Ltd");
  expect(entry.textContent).toContain("Sent byjo@acme.exampleContractC-1001Received20 Nov 2026, 10:15");

  const theirs = within(entry).getByRole("list", { name: "What to correct in the submission from Acme Build Ltd" });
  expect(within(theirs).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
    'The quantity: "2,5" is not a number; write 2.5.',
    'The measure: measure "NT1" is not in example 2026-illustrative.',
  ]);
  const flow = within(entry).getByRole("list", { name: "What the form's flow sent that the ledger cannot read (Q-0001)" });
  expect(within(flow).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["The time the form was submitted is required."]);

  const details = entry.querySelector("details") as HTMLDetailsElement;
  expect(details.open).toBe(false);
  expect(within(entry).getByText("Technical details and the answers as sent").tagName).toBe("SUMMARY");
  expect(details.textContent).toContain("Formsvl-formResponse41Sent asapplication/jsonQuarantine idQ-0001");
  const paths = within(details).getByRole("list", { name: "Why submission Q-0001 was refused, field by field" });
  expect(within(paths).getAllByRole("listitem")[0]?.textContent).toBe('answers.quantity: "2,5" is not a number; write 2.5');
  const raw = details.querySelector("pre") as HTMLElement;
  expect(raw.textContent).toBe(JSON.stringify(JSON.parse(RAW), null, 2));
  expect(raw.textContent).toContain('\n    "quantity": "2,5",\n');
});

test("Email the supplier opens a message to the responder listing what to correct, and nothing the flow got wrong", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1, { reasons: [...item(1).reasons, { path: ["formId"], message: "is required" }] })];
  const list = await openQuarantine(api);
  const link = within(list).getByRole("link", { name: "Email the supplier" }) as HTMLAnchorElement;
  const href = new URL(link.href);
  expect(href.protocol).toBe("mailto:");
  expect(decodeURIComponent(href.pathname)).toBe("jo@acme.example");
  expect(href.searchParams.get("subject")).toBe("Your social value return for contract C-1001 could not be recorded");
  const body = href.searchParams.get("body") ?? "";
  expect(body).toContain("sent for contract C-1001 on 20 Nov 2026, 10:15 could not be recorded");
  expect(body).toContain('- The quantity: "2,5" is not a number; write 2.5.');
  expect(body).not.toContain("form's id");
});

test("a long list of reasons is cut to fit a mail link, saying how many more there are", () => {
  const reasons = Array.from({ length: 80 }, (_, i) => ({ sentence: `The answer number ${i} is not one the ledger can read, please write it again.`, fixedBy: "supplier" as const }));
  const href = supplierEmailHref(item(1), reasons) ?? "";
  expect(href.length).toBeLessThanOrEqual(1800);
  expect(decodeURIComponent(href)).toMatch(/…and \d+ more answers to correct/);
  expect(supplierEmailHref(item(1, { responder: undefined }), reasons)).toBeUndefined();
  expect(supplierEmailHref(item(1), [{ sentence: "The form's id is required.", fixedBy: "flow" }])).toBeUndefined();
});

test("an officer marks a submission dealt with, with a note; it stays listed with who and when", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1), item(2)];
  const list = await openQuarantine(api);
  const entry = within(list).getAllByRole("listitem")[0] as HTMLElement;
  fireEvent.click(within(entry).getByRole("button", { name: "Mark dealt with" }));
  fireEvent.change(within(entry).getByRole("textbox", { name: /What was done/ }), { target: { value: " Asked Jo to send 2.5 " } });
  fireEvent.click(within(entry).getByRole("button", { name: "Mark dealt with" }));
  expect(await within(entry).findByText(/Dealt with by/)).toBeTruthy();
  expect(within(entry).getByRole("note").textContent).toMatch(/^Dealt with by sam\.patel@council\.example on 26 Nov 2026, 14:05: Asked Jo to send 2\.5$/);
  expect(api.requestsTo("POST", "quarantine/Q-0001/resolve").map((r) => r.body)).toEqual([{ note: "Asked Jo to send 2.5" }]);
  expect(within(list).getAllByRole("listitem").filter((li) => li.tagName === "LI" && li.parentElement === list)).toHaveLength(2);
});

test("a mark that fails says why and can be tried again", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1)];
  const list = await openQuarantine(api);
  fireEvent.click(within(list).getByRole("button", { name: "Mark dealt with" }));
  api.failNext("POST", /^quarantine\/.+\/resolve$/, 409, "already-resolved", "Submission Q-0001 was marked dealt with by alex@council.example at 2026-11-26T14:05:00.000Z.");
  fireEvent.click(within(list).getByRole("button", { name: "Mark dealt with" }));
  const title = await screen.findByText("It could not be marked dealt with.");
  expect((title.closest('[role="group"]') as HTMLElement).textContent).toContain("alex@council.example");
});

test("a body that is not JSON is shown exactly as it arrived, and says so", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1, { contentType: "text/plain", raw: "quantity=2,5&supplier=Acme", formId: undefined, responseId: undefined, supplier: undefined, responder: undefined, contractRef: undefined, reasons: [{ path: [], message: "the body is not JSON" }] })];
  const list = await openQuarantine(api);
  expect(list.textContent).toContain("This body is not JSON; it is shown exactly as it arrived.");
  expect(list.querySelector("pre")?.textContent).toBe("quantity=2,5&supplier=Acme");
  expect(list.textContent).toContain("Formnot givenResponsenot given");
  expect(within(list).queryByRole("link", { name: "Email the supplier" })).toBeNull();
  expect(prettyRaw("{broken")).toEqual({ text: "{broken", json: false });
});

test("more pages load on request with the continuation token", async () => {
  const api = new FakeApi();
  api.quarantine = Array.from({ length: 60 }, (_, i) => item(i + 1));
  await openQuarantine(api);
  expect(screen.getByRole("status").textContent).toBe("50 submissions shown, newest first; more are waiting.");
  fireEvent.click(screen.getByRole("button", { name: "Load more" }));
  expect(await screen.findByText("60 submissions shown, newest first.")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  expect(api.requestsTo("GET", "quarantine").map((r) => r.query.has("continuationToken"))).toEqual([false, true]);
});

test("nothing in quarantine is said plainly; a failure offers Retry", async () => {
  const api = new FakeApi();
  api.failNext("GET", "quarantine", 500, "internal-error", "Something went wrong on the server (invocation 7f3a); it has been logged.");
  renderPane(await signedIn(api), "quarantine");
  const title = await screen.findByText("The quarantine could not be loaded.");
  const notice = title.closest('[role="group"]') as HTMLElement;
  expect(notice.textContent).toContain("(500): Something went wrong on the server (invocation 7f3a); it has been logged. Retry in a minute.");
  fireEvent.click(within(notice).getByRole("button", { name: "Retry" }));
  expect(await screen.findByText("Nothing in quarantine: every submission so far was valid.")).toBeTruthy();
});

test("a page still loading when the officer refreshes is dropped, not added to the fresh list", async () => {
  const api = new FakeApi();
  api.quarantine = Array.from({ length: 60 }, (_, i) => item(i + 1));
  await openQuarantine(api);
  const secondPage = api.hold((r) => r.path === "quarantine" && r.query.has("continuationToken"));
  fireEvent.click(screen.getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(api.requestsTo("GET", "quarantine")).toHaveLength(2));

  fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
  expect(await screen.findByText("50 submissions shown, newest first; more are waiting.")).toBeTruthy();
  // Let the held page arrive and every update it causes render.
  await act(async () => {
    secondPage.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  expect(screen.getByRole("status").textContent).toBe("50 submissions shown, newest first; more are waiting.");
  expect(screen.getByRole("list", { name: "Quarantined submissions" }).children).toHaveLength(50);
});
