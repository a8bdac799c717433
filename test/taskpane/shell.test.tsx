/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { API_SESSION_GLOBAL, addDays } from "../../shared";
import { ErrorBoundary } from "../../taskpane/components/ErrorBoundary";
import { NOT_IN_EXCEL_MESSAGE } from "../../taskpane/workbookGateway";
import { FakeApi, TODAY, contributionDetail } from "./support/fakeApi";
import { localServices, renderPane, signedIn, stubLayout } from "./support/renderPane";

afterEach(() => {
  delete (window as unknown as Record<string, unknown>)[API_SESSION_GLOBAL];
});

function withContributions(): FakeApi {
  const api = new FakeApi();
  api.addContributions(
    contributionDetail(1, { evidenceStatus: "submitted" }),
    contributionDetail(2, { evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, -4) }),
    contributionDetail(3, { evidenceStatus: "accepted" }),
  );
  return api;
}

test("signed out, the pane offers local sign-in; the panels that need the API say so", async () => {
  const api = new FakeApi();
  const services = localServices(api);
  renderPane(services);
  expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
  expect(screen.getByText("Sign in above to see contracts.")).toBeTruthy();
  expect(screen.getByText(NOT_IN_EXCEL_MESSAGE, { exact: false })).toBeTruthy();

  // An email is needed before anything is asked of the API.
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  expect(await screen.findByText("Enter an email address, e.g. sam.patel@council.example")).toBeTruthy();
  expect(api.requests).toHaveLength(0);

  fireEvent.click(screen.getByRole("radio", { name: "Manager" }));
  fireEvent.change(screen.getByRole("textbox", { name: /^Email/ }), { target: { value: "alex.reid@council.example" } });
  fireEvent.change(screen.getByRole("textbox", { name: /^Name/ }), { target: { value: "Alex Reid" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

  expect(await screen.findByText("Alex Reid")).toBeTruthy();
  expect(screen.getByText(/Signed in as/).textContent).toBe("Signed in as Alex Reid (alex.reid@council.example) · Manager");
  expect(api.requestsTo("POST", "dev/token")[0]?.body).toEqual({ role: "Manager", email: "alex.reid@council.example", name: "Alex Reid" });
  expect((window as unknown as Record<string, unknown>)[API_SESSION_GLOBAL]).toBeDefined();
  expect(screen.queryByRole("heading", { name: "Sign in" })).toBeNull();
});

test("local sign-in as Officer and Manager asks for both roles, for someone who reviews and runs the chase", async () => {
  const api = new FakeApi();
  renderPane(localServices(api));
  fireEvent.click(screen.getByRole("radio", { name: "Officer and Manager" }));
  fireEvent.change(screen.getByRole("textbox", { name: /^Email/ }), { target: { value: "sam.patel@council.example" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

  expect(await screen.findByRole("button", { name: "Sign out" })).toBeTruthy();
  expect(screen.getByText(/Signed in as/).textContent).toBe("Signed in as sam.patel@council.example · Officer and Manager");
  expect(api.requestsTo("POST", "dev/token")[0]?.body).toEqual({ role: ["Officer", "Manager"], email: "sam.patel@council.example" });
});

test("a sign-in the API cannot give is explained with Retry", async () => {
  const api = new FakeApi();
  api.devIssuer = false;
  renderPane(localServices(api));
  fireEvent.change(screen.getByRole("textbox", { name: /^Email/ }), { target: { value: "sam@council.example" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  const title = await screen.findByText("Sign-in did not finish.");
  expect(title.closest('[role="group"]')?.textContent).toContain("does not offer local sign-in");
  api.devIssuer = true;
  fireEvent.click(within(title.closest('[role="group"]') as HTMLElement).getByRole("button", { name: "Retry" }));
  expect(await screen.findByRole("button", { name: "Sign out" })).toBeTruthy();
});

test("panels keep their state across tabs: filters stay set and nothing is loaded again", async () => {
  const restore = stubLayout();
  try {
    const api = withContributions();
    renderPane(await signedIn(api));
    fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
    fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
    await screen.findByRole("grid");
    fireEvent.click(screen.getByRole("checkbox", { name: "Overdue only" }));
    expect(screen.getByRole("status").textContent).toBe("Showing 1 of 3 contributions.");
    const loads = api.requestsTo("GET", "contributions").length;

    fireEvent.click(screen.getByRole("tab", { name: "Quarantine" }));
    await screen.findByText("Nothing in quarantine: every submission so far was valid.");
    expect(screen.getByRole("tabpanel", { name: "Quarantine" })).toBeTruthy();
    // The hidden panel is still in the page (hidden), not rebuilt.
    expect(document.getElementById("panel-contributions")?.hidden).toBe(true);

    fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
    expect((screen.getByRole("checkbox", { name: "Overdue only" }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole("status").textContent).toBe("Showing 1 of 3 contributions.");
    expect(api.requestsTo("GET", "contributions")).toHaveLength(loads);
    expect(screen.getByRole("tab", { name: "Contributions" }).getAttribute("aria-controls")).toBe("panel-contributions");
  } finally {
    restore();
  }
});

test("when the API refuses the token, the pane asks for a new sign-in and says why", async () => {
  const api = withContributions();
  const services = await signedIn(api);
  api.interceptors.push((r) =>
    r.path === "contracts"
      ? { status: 401, statusText: "", headers: { get: () => null }, text: async () => JSON.stringify({ error: { code: "invalid-token", message: "Not signed in: the token has expired; sign in again." } }) }
      : undefined,
  );
  renderPane(services);
  expect(await screen.findByText("Your sign-in was not accepted: Not signed in: the token has expired; sign in again. Sign in again, then Retry.")).toBeTruthy();
  expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
  expect(screen.getByText("Sign in above to see contracts.")).toBeTruthy();
  expect((window as unknown as Record<string, unknown>)[API_SESSION_GLOBAL]).toBeUndefined();
});

test("signing out, then in as someone else, starts the panels afresh with no contract picked", async () => {
  const api = withContributions();
  const services = await signedIn(api);
  renderPane(services);
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  await screen.findByRole("table", { name: "Social value by theme" });

  fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
  expect(screen.getByText("Sign in above to see contracts.")).toBeTruthy();
  await act(() => services.accounts.signInLocal({ role: "Officer", email: "jo.bloggs@council.example" }));
  const radio = (await screen.findByRole("radio", { name: /C-1001/ })) as HTMLInputElement;
  expect(radio.checked).toBe(false);
  expect(screen.queryByRole("table", { name: "Social value by theme" })).toBeNull();
});

test("a panel that crashes says so and can be reloaded in place", async () => {
  let broken = true;
  function Flaky() {
    if (broken) throw new Error("The grid could not be drawn.");
    return <p>Drawn</p>;
  }
  const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    render(
      <FluentProvider theme={webLightTheme}>
        <ErrorBoundary>
          <Flaky />
        </ErrorBoundary>
      </FluentProvider>,
    );
    expect(screen.getByText("Something went wrong in this panel.")).toBeTruthy();
    expect(screen.getByText("The grid could not be drawn.", { exact: false })).toBeTruthy();
    broken = false;
    fireEvent.click(screen.getByRole("button", { name: "Reload this panel" }));
    await waitFor(() => expect(screen.getByText("Drawn")).toBeTruthy());
  } finally {
    spy.mockRestore();
  }
});

test("a Manager is told which panels need the Officer role instead of meeting the API's refusal", async () => {
  const api = withContributions();
  renderPane(await signedIn(api, "Manager"));
  expect(screen.getByText("Contracts needs the Officer role; your account has Manager. Ask an administrator if you need it.")).toBeTruthy();
  fireEvent.click(screen.getByRole("tab", { name: "Chase ledger" }));
  expect(await screen.findByRole("button", { name: "Run the chase now" })).toBeTruthy();
  expect(api.requestsTo("GET", "contracts")).toHaveLength(0);
});
