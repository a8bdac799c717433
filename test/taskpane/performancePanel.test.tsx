/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { addDays } from "../../shared";
import type { Contract } from "../../shared";
import { PerformancePanel } from "../../taskpane/panels/PerformancePanel";
import { countdown } from "../../taskpane/panels/performance/FailureLog";
import type { PanelProps } from "../../taskpane/panels/PanelProps";
import { createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeApi, TODAY, contractDetail } from "./support/fakeApi";
import { localServices } from "./support/renderPane";

/** The Performance panel against the in-memory API: the register, a guided assessment, the notice, the failure log. */

const { commitments: _c, ...CONTRACT } = contractDetail();
const contract: Contract = CONTRACT;

async function renderPanel(api: FakeApi, { selected }: { selected: Contract | undefined } = { selected: contract }) {
  const services = localServices(api);
  await services.accounts.signInLocal({ role: "Officer", email: "sam.patel@council.example", name: "Sam Patel" });
  const props: PanelProps = {
    gateway: createWorkbookGateway(null),
    api: services.api,
    user: undefined,
    contract: { selected, select: jest.fn() },
    ledger: { version: 0, changed: jest.fn() },
    showPanel: jest.fn(),
  };
  // Inside act, so a load that settles at once (nothing to load without a contract) lands in it.
  await act(async () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <PerformancePanel {...props} />
      </FluentProvider>,
    );
  });
  return props;
}

/** jsdom's Blob has no text(); FileReader reads it as a browser would. */
const read = (blob: Blob | undefined) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob ?? new Blob([]));
  });

const button = (name: string | RegExp) => screen.getByRole("button", { name });
const kpiItems = () => within(screen.getByRole("list", { name: "KPIs" })).queryAllByRole("listitem");

test("without a contract it says where to pick one", async () => {
  const props = await renderPanel(new FakeApi(), { selected: undefined });
  fireEvent.click(button("Go to Contracts"));
  expect(props.showPanel).toHaveBeenCalledWith("contracts");
});

test("a contract over £5m without three KPIs is warned; three KPIs, three material, saved with If-Match, clear it", async () => {
  const api = new FakeApi();
  await renderPanel(api);
  expect(await screen.findByText(/needs at least 3 KPIs \(Procurement Act 2023 s\.52\)/)).toBeTruthy();
  expect(screen.getByText("Next assessment due").nextSibling?.textContent).toBe("1 Jan 2027");
  for (let i = 0; i < 3; i++) fireEvent.click(button("Add KPI"));
  kpiItems().forEach((item, i) => {
    fireEvent.change(within(item).getByLabelText("Name"), { target: { value: `Local jobs ${i + 1}` } });
    fireEvent.change(within(item).getByLabelText("Target"), { target: { value: "12 a year" } });
  });
  // Two of three material: the API names the rule.
  fireEvent.click(within(kpiItems()[0] as HTMLElement).getByLabelText("Material"));
  fireEvent.click(within(kpiItems()[1] as HTMLElement).getByLabelText("Material"));
  fireEvent.click(button("Save register"));
  expect(await screen.findByText("The register was not saved.")).toBeTruthy();
  expect(screen.getByText(/mark exactly 3 KPIs as material/)).toBeTruthy();

  fireEvent.click(within(kpiItems()[2] as HTMLElement).getByLabelText("Material"));
  fireEvent.change(within(kpiItems()[0] as HTMLElement).getByLabelText(/Target value/), { target: { value: "£250,000" } });
  fireEvent.change(within(kpiItems()[0] as HTMLElement).getByLabelText(/Linked measures/), { target: { value: "J1, J3" } });
  fireEvent.click(button("Save register"));
  expect(await screen.findByText("Saved.")).toBeTruthy();
  expect(api.registers.get("C-1001")?.value.kpis[0]).toMatchObject({ targetValue: 250_000, measureCodes: ["J1", "J3"], material: true });
  await waitFor(() => expect(screen.queryByText(/needs at least 3 KPIs \(Procurement/)).toBeNull());

  // Saved again with the ETag of the first save; someone else's change in between is a 412.
  api.registers.set("C-1001", { ...(api.registers.get("C-1001") as { value: never; etag: string }), etag: 'W/"someone-else"' });
  fireEvent.click(button("Save register"));
  expect(await screen.findByText("Someone else changed the register.")).toBeTruthy();
  const put = api.requestsTo("PUT", "contracts/C-1001/kpis");
  expect(put.map((r) => r.headers["if-match"])).toEqual([undefined, undefined, 'W/"1"']);
});

test("a guided assessment rates every KPI; other needs an explanation; the notice is previewed and downloaded", async () => {
  const api = new FakeApi();
  api.registers.set("C-1001", {
    etag: 'W/"r1"',
    value: { contractId: "C-1001", kpis: [1, 2, 3].map((n) => ({ id: `KPI-${n}`, name: `KPI ${n}`, target: "t", measureCodes: [], material: true })), updatedAt: "2026-01-01T00:00:00.000Z", updatedBy: "x" },
  });
  await renderPanel(api);
  await screen.findByRole("heading", { name: "Assess performance" });
  fireEvent.change(screen.getByLabelText("Period end"), { target: { value: "2026-12-31" } });
  fireEvent.change(screen.getByLabelText("KPI-1: KPI 1"), { target: { value: "good" } });
  fireEvent.change(screen.getByLabelText("KPI-2: KPI 2"), { target: { value: "other" } });
  fireEvent.click(button("Record assessment"));
  expect(await screen.findByText("The assessment was not recorded.")).toBeTruthy();
  expect(screen.getByText(/ratings.1.explanation: a rating of other needs an explanation/)).toBeTruthy();

  fireEvent.change(screen.getByLabelText(/^Explanation for KPI-2/), { target: { value: "Paused <by agreement>" } });
  fireEvent.change(screen.getByLabelText("KPI-3: KPI 3"), { target: { value: "inadequate" } });
  fireEvent.click(button("Record assessment"));
  const preview = await screen.findByRole("button", { name: "Preview notice" });
  expect(api.assessments.get("C-1001")?.[0]?.ratings.map((r) => r.rating)).toEqual(["good", "other", "inadequate"]);
  expect(screen.getByText("Next assessment due").nextSibling?.textContent).toBe("31 Dec 2027");

  fireEvent.click(preview);
  const table = screen.getByRole("table", { name: /^Notice for/ });
  expect(within(table).getAllByRole("row").slice(1).map((r) => r.textContent)).toEqual([
    "KPI-1 KPI 1 (material)Goodmet",
    "KPI-2 KPI 2 (material)Other: Paused <by agreement>other",
    "KPI-3 KPI 3 (material)InadequatesignificantlyBelow",
  ]);

  const blobs: Blob[] = [];
  const created = jest.fn((blob: Blob) => {
    blobs.push(blob);
    return "blob:notice";
  });
  Object.assign(URL, { createObjectURL: created, revokeObjectURL: jest.fn() });
  const clicked = jest.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
  fireEvent.click(button("Download CSV"));
  expect(blobs[0]?.type).toBe("text/csv");
  expect((await read(blobs[0])).split("\r\n")[2]).toBe("KPI-2,KPI 2,t,yes,2026-01-01,2026-12-31,no,Other,other,,Paused <by agreement>");
  fireEvent.click(button("Download OCDS JSON"));
  expect(JSON.parse(await read(blobs[1])).contracts[0].implementation.metrics[2].observations[0].measureClassification).toEqual({ id: "significantlyBelow", description: "Inadequate" });
  expect(clicked).toHaveBeenCalledTimes(2);
  clicked.mockRestore();
});

test("the failure log records a decision and counts down the 30 days to its notice", async () => {
  const api = new FakeApi();
  await renderPanel(api);
  await screen.findByRole("heading", { name: "Breach and poor performance" });
  expect(screen.getByText("No decision recorded.")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "poor-performance" } });
  fireEvent.change(screen.getByLabelText("Decision date"), { target: { value: addDays(TODAY, -25) } });
  fireEvent.change(screen.getByLabelText("What happened"), { target: { value: "Failed to improve after two warnings" } });
  fireEvent.change(screen.getByLabelText("Penalty basis"), { target: { value: "contracted" } });
  fireEvent.change(screen.getByLabelText("Penalty value (£)"), { target: { value: "£1,250.50" } });
  fireEvent.click(button("Record decision"));
  expect(await screen.findByText("Decision recorded.")).toBeTruthy();
  const decisions = screen.getByRole("list", { name: "Decisions" });
  expect(within(decisions).getByText(/^Notice due by .*: 5 days left$/)).toBeTruthy();
  expect(api.failures.get("C-1001")?.[0]).toMatchObject({ kind: "poor-performance", penalty: { type: "contracted", value: 1250.5 } });

  expect(countdown({ noticeDueBy: "2026-12-10" }, "2026-12-12")).toBe("Notice 2 days overdue (was due by 10 Dec 2026)");
  expect(countdown({ noticeDueBy: "2026-12-10" }, "2026-12-10")).toBe("Notice due today (10 Dec 2026)");
  expect(countdown({ noticeDueBy: "2026-12-10", noticePublishedOn: "2026-12-01" }, "2026-12-12")).toBe("Notice published 1 Dec 2026");
});
