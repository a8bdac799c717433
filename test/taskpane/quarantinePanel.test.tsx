/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { QuarantineItem } from "../../shared";
import { prettyRaw } from "../../taskpane/panels/QuarantinePanel";
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
    ...overrides,
  };
}

async function openQuarantine(api: FakeApi) {
  renderPane(await signedIn(api), "quarantine");
  return screen.findByRole("list", { name: "Quarantined submissions" });
}

test("each refused submission lists every reason with its field path, and the answers as sent, indented", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1)];
  const list = await openQuarantine(api);
  const entry = within(list).getAllByRole("listitem")[0] as HTMLElement;
  expect(within(entry).getByRole("heading", { level: 3 }).textContent).toBe("Received 20 Nov 2026, 10:15");
  expect(entry.textContent).toContain("Formsvl-formResponse41Sent asapplication/json");

  const reasons = within(entry).getByRole("list", { name: "Why submission Q-0001 was refused" });
  expect(within(reasons).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
    'answers.quantity: "2,5" is not a number; write 2.5',
    'answers.measureCode: measure "NT1" is not in example 2026-illustrative',
  ]);

  const raw = entry.querySelector("pre") as HTMLElement;
  expect(raw.textContent).toBe(JSON.stringify(JSON.parse(RAW), null, 2));
  expect(raw.textContent).toContain('\n    "quantity": "2,5",\n');
  expect(within(entry).getByText("Answers as sent").tagName).toBe("SUMMARY");
});

test("a body that is not JSON is shown exactly as it arrived, and says so", async () => {
  const api = new FakeApi();
  api.quarantine = [item(1, { contentType: "text/plain", raw: "quantity=2,5&supplier=Acme", formId: undefined, responseId: undefined, reasons: [{ path: [], message: "the body is not JSON" }] })];
  const list = await openQuarantine(api);
  expect(list.textContent).toContain("This body is not JSON; it is shown exactly as it arrived.");
  expect(list.querySelector("pre")?.textContent).toBe("quantity=2,5&supplier=Acme");
  expect(list.textContent).toContain("Formnot givenResponsenot given");
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
