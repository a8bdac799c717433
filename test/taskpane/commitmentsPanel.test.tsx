/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { CommitmentsSchema, EXAMPLE_PACK, describeProblem } from "../../shared";
import type { Commitment, ContractDetail, FrameworkPack } from "../../shared";
import { ApiClient, ApiProblem, createApiClient } from "../../taskpane/apiClient";
import { CommitmentsPanel } from "../../taskpane/panels/CommitmentsPanel";
import { CommitmentsApi, CommitmentsRefused, commitmentsToSave } from "../../taskpane/panels/commitments/commitmentsApi";
import type { PackSource } from "../../taskpane/sync/SyncButton";
import type { PanelProps } from "../../taskpane/panels/PanelProps";
import { createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeOffice, WorkbookSetup, installFakeOffice } from "./support/fakeOffice";
import { CONTRACT } from "./support/syncData";

/**
 * The Commitments panel driven as an officer would: the selection is read through the real gateway
 * over office-addin-mock, the API is a fake with ApiClient's methods.
 */

let office: FakeOffice | undefined;
afterEach(() => office?.uninstall());

const COMMITMENTS_TABLE = [
  ["Measure ref", "Committed", "Supplier", "Notes"],
  ["J1", 2, "Acme Build Ltd", "Two apprentices"],
  ["E1", "100", "", ""],
  ["G3", 4, "", "Living Wage"],
];

const BROKEN_TABLE = [
  ["Code", "Qty"],
  ["J1", 1],
  ["NT99", 2],
  ["J3", -5],
  ["j1", 3],
];

const inTable = (values: unknown[][]): WorkbookSetup => ({
  selection: { address: "Commitments!B3", cellCount: 1 },
  tables: [{ name: "Promises", address: "Commitments!A2:D5", values }],
});

interface FakeApi {
  getPack: jest.Mock<Promise<FrameworkPack>, [string, string]>;
  getContract: jest.Mock<Promise<{ value: ContractDetail; etag: string }>, [string, { signal?: AbortSignal }?]>;
  putCommitments: jest.Mock<Promise<Commitment[]>, [string, Commitment[]]>;
}

function fakeApi(current: Commitment[] = [{ measureCode: "J1", quantity: 1 }]): FakeApi {
  return {
    getPack: jest.fn(async (_id: string, _edition: string) => EXAMPLE_PACK),
    getContract: jest.fn(async (_id: string, _options?: { signal?: AbortSignal }) => ({ value: { ...CONTRACT, commitments: current }, etag: '"1"' })),
    putCommitments: jest.fn(async (_id: string, commitments: Commitment[]) => commitments),
  };
}

function renderPanel(api: FakeApi, options: { host?: "Excel" | null; workbook?: WorkbookSetup; selected?: boolean } = {}) {
  office = installFakeOffice(options.workbook ?? inTable(COMMITMENTS_TABLE));
  const props: PanelProps = {
    gateway: createWorkbookGateway(options.host === null ? null : Office.HostType.Excel),
    api: api as unknown as ApiClient,
    user: undefined,
    contract: { selected: options.selected === false ? undefined : CONTRACT, select: jest.fn() },
    ledger: { version: 0, changed: jest.fn() },
    showPanel: jest.fn(),
  };
  render(
    <FluentProvider theme={webLightTheme}>
      <CommitmentsPanel {...props} />
    </FluentProvider>,
  );
  return props;
}

const button = (name: string | RegExp) => screen.getByRole("button", { name });
const isDisabled = (el: HTMLElement) => el.getAttribute("aria-disabled") === "true" || el.hasAttribute("disabled");
const previewRows = () => within(screen.getByRole("table", { name: "Commitments to save" })).getAllByRole("row").slice(1);

test("with no contract picked, it says where to pick one", () => {
  const props = renderPanel(fakeApi(), { selected: false });
  expect(screen.getByText("Pick a contract in Contracts first; its commitments are imported and saved here.")).toBeTruthy();
  fireEvent.click(button("Go to Contracts"));
  expect(props.showPanel).toHaveBeenCalledWith("contracts");
});

test("shows what the contract has committed now, valued with its pinned pack", async () => {
  const api = fakeApi([{ measureCode: "J1", quantity: 2 }, { measureCode: "G3", quantity: 1 }]);
  renderPanel(api);
  expect(await screen.findByText("Contract C-1001 has 2 commitments, worth £50,000 with pack example 2026-illustrative.")).toBeTruthy();
  expect(api.getPack).toHaveBeenCalledWith("example", "2026-illustrative");
  expect(screen.getByText("Illustrative values.")).toBeTruthy();
});

test("import, preview with £ values, save: the API gets the commitments, checked, and the pane says so", async () => {
  const api = fakeApi();
  const props = renderPanel(api);
  fireEvent.click(await screen.findByRole("button", { name: "Import from selection" }));

  const heading = await screen.findByRole("heading", { name: "Imported from table Promises (Commitments!A2:D5)" });
  await waitFor(() => expect(document.activeElement).toBe(heading));
  expect(previewRows().map((r) => r.textContent)).toEqual([
    "2J1Acme Build Ltd2 FTE£25,000.00£50,000",
    "3E1100 tonnes CO2e£260.00£26,000",
    "4G34 FTErecorded onlynot valued",
    "Total3 commitments£76,000",
  ]);
  expect(screen.getByText("Saving replaces the contract's 1 current commitment with these 3 commitments.")).toBeTruthy();

  fireEvent.click(button("Save to contract C-1001"));
  expect(await screen.findByText("Commitments saved.")).toBeTruthy();
  const [contractId, sent] = api.putCommitments.mock.calls[0] ?? [];
  expect(contractId).toBe("C-1001");
  expect(sent).toEqual([
    { measureCode: "J1", quantity: 2, supplier: "Acme Build Ltd", note: "Two apprentices" },
    { measureCode: "E1", quantity: 100 },
    { measureCode: "G3", quantity: 4, note: "Living Wage" },
  ]);
  expect(CommitmentsSchema.safeParse({ commitments: sent }).success).toBe(true);
  expect(screen.getByText(/Contract C-1001 now has 3 commitments, worth £76,000 with pack example 2026-illustrative\./)).toBeTruthy();
  expect(screen.getByText("Contract C-1001 has 3 commitments, worth £76,000 with pack example 2026-illustrative.")).toBeTruthy();
  expect(props.ledger.changed).toHaveBeenCalledTimes(1);
  expect(screen.queryByRole("table", { name: "Commitments to save" })).toBeNull();
});

test("every problem in the table is listed with row, column and why; saving waits", async () => {
  const api = fakeApi();
  renderPanel(api, { workbook: { ...inTable(BROKEN_TABLE), tables: [{ name: "Promises", address: "Commitments!A4:B8", values: BROKEN_TABLE }] } });
  fireEvent.click(await screen.findByRole("button", { name: "Import from selection" }));
  expect(await screen.findByText("3 problems in this table.")).toBeTruthy();
  const problems = within(screen.getByRole("list", { name: "Problems in the selected table" })).getAllByRole("listitem").map((li) => li.textContent);
  expect(problems).toEqual([
    'row 3, column "Code": measure "NT99" is not in pack example 2026-illustrative, the contract\'s pack',
    'row 4, column "Qty": -5 is negative; a committed quantity cannot be negative',
    'row 5, column "Code": J1 is committed twice (first on row 2); keep one row and add the quantities up',
  ]);
  expect(screen.getByText("Rows are counted from the top of the selection (row 1), which is row 4 of the worksheet.")).toBeTruthy();
  expect(isDisabled(button("Save to contract C-1001"))).toBe(true);
  fireEvent.click(button("Save to contract C-1001"));
  expect(api.putCommitments).not.toHaveBeenCalled();
});

test("the API's refusal is shown with its field paths, placed on the worksheet rows, with a Retry", async () => {
  const api = fakeApi();
  api.putCommitments.mockRejectedValueOnce(
    new ApiProblem("http", "The commitments name measures that are not in the contract's pack (example 2026-illustrative).", "invalid-request", 400, [
      { path: ["commitments", 1, "measureCode"], message: 'measure "E1" is not in example 2026-illustrative' },
    ]),
  );
  renderPanel(api);
  fireEvent.click(await screen.findByRole("button", { name: "Import from selection" }));
  await screen.findByRole("table", { name: "Commitments to save" });
  fireEvent.click(button("Save to contract C-1001"));

  expect(await screen.findByText("The commitments were not saved.")).toBeTruthy();
  expect(screen.getByText(/The commitments name measures that are not in the contract's pack/)).toBeTruthy();
  expect(within(screen.getByRole("list", { name: "What was wrong" })).getByRole("listitem").textContent).toBe(
    'row 3: commitments.1.measureCode: measure "E1" is not in example 2026-illustrative',
  );
  // The import stays, so nothing has to be redone; Retry sends it again.
  fireEvent.click(button("Retry"));
  expect(await screen.findByText("Commitments saved.")).toBeTruthy();
  expect(api.putCommitments).toHaveBeenCalledTimes(2);
});

test("a contract or pack that cannot be loaded is shown with a Retry", async () => {
  const api = fakeApi();
  api.getPack.mockRejectedValueOnce(new ApiProblem("network", "The Social Value Ledger API did not answer at http://localhost:7071/api. Check your connection, then Retry.", "network"));
  renderPanel(api);
  expect(await screen.findByText("Contract C-1001's commitments could not be loaded.")).toBeTruthy();
  fireEvent.click(button("Retry"));
  expect(await screen.findByText("Contract C-1001 has 1 commitment, worth £25,000 with pack example 2026-illustrative.")).toBeTruthy();
});

test("a selection Excel cannot read is explained", async () => {
  renderPanel(fakeApi(), { workbook: { selection: { address: "Sheet1!H1:K9", cellCount: 36 }, used: null } });
  fireEvent.click(await screen.findByRole("button", { name: "Import from selection" }));
  expect(await screen.findByText("The selection could not be read.")).toBeTruthy();
  expect(screen.getByText(/The selected cells \(Sheet1!H1:K9\) are empty/)).toBeTruthy();
});

test("outside Excel the import is unavailable and points at the explanation", async () => {
  renderPanel(fakeApi(), { host: null });
  const importButton = await screen.findByRole("button", { name: "Import from selection" });
  expect(isDisabled(importButton)).toBe(true);
  expect(importButton.getAttribute("aria-describedby")).toBe("no-workbook-explanation");
});

test("what goes to the API is checked with its schema first; a refusal names the field path and the row", () => {
  const measure = EXAMPLE_PACK.measures[0];
  if (!measure) throw new Error("the example pack has measures");
  const row = (n: number, commitment: Commitment) => ({ row: n, commitment, measure, value: null });
  const refusal = (rows: ReturnType<typeof row>[]) => {
    try {
      commitmentsToSave(rows);
    } catch (err) {
      if (err instanceof CommitmentsRefused) return err.problems.map(describeProblem);
      throw err;
    }
    throw new Error("expected a refusal");
  };
  expect(refusal([row(2, { measureCode: "J1", quantity: 1 }), row(7, { measureCode: "J2", quantity: Number.NaN })])).toEqual([
    expect.stringMatching(/^row 7: commitments\.1\.quantity: /),
  ]);
  expect(refusal([row(2, { measureCode: "J1", quantity: 1 }), row(9, { measureCode: "j1", quantity: 2 })])).toEqual([
    "row 9: commitments.1.measureCode: j1 is committed twice",
  ]);
});

test("the API client is what the Commitments panel and Sync to workbook depend on", () => {
  const client = createApiClient({ baseUrl: "http://localhost:7071/api", getAccessToken: async () => "token", fetch: () => Promise.reject(new Error("not called")) });
  // Compiles only while ApiClient keeps these methods and their shapes.
  const commitments: CommitmentsApi = client;
  const packs: PackSource = client;
  expect([typeof commitments.putCommitments, typeof commitments.getContract, typeof packs.getPack]).toEqual(["function", "function", "function"]);
});
