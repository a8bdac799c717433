import { render } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../../../taskpane/App";
import type { Role } from "../../../taskpane/auth/AccountManager";
import { Services, createServices } from "../../../taskpane/services";
import { createWorkbookGateway } from "../../../taskpane/workbookGateway";
import type { FakeApi } from "./fakeApi";

/** The pane's services in local mode, talking to the fake API. */
export function localServices(api: FakeApi, timeoutMs?: number): Services {
  return createServices({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** Signed in through the dev issuer as `role`. */
export async function signedIn(api: FakeApi, role: Role = "Officer", email = "sam.patel@council.example"): Promise<Services> {
  const services = localServices(api);
  await services.accounts.signInLocal({ role, email, name: role === "Manager" ? "Alex Reid" : "Sam Patel" });
  return services;
}

/** The whole pane in a plain browser (no Excel), as an officer sees it. */
export function renderPane(services: Services, initialPanelId?: string) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <App gateway={createWorkbookGateway(null)} services={services} {...(initialPanelId ? { initialPanelId } : {})} />
    </FluentProvider>,
  );
}

/**
 * jsdom lays nothing out: give elements a 320×520 box and make scrollTo move scrollTop and fire
 * scroll, as a browser would, so the virtualised grid computes a real window of rows.
 */
export function stubLayout(): () => void {
  const proto = HTMLElement.prototype;
  const height = Object.getOwnPropertyDescriptor(proto, "clientHeight");
  const width = Object.getOwnPropertyDescriptor(proto, "clientWidth");
  const scrollHeight = Object.getOwnPropertyDescriptor(proto, "scrollHeight");
  const scrollTo = proto.scrollTo;
  Object.defineProperty(proto, "clientHeight", { configurable: true, get: () => 520 });
  Object.defineProperty(proto, "clientWidth", { configurable: true, get: () => 320 });
  // Tall enough for any list in the tests, so scrolling to the last row is not clamped at 0.
  Object.defineProperty(proto, "scrollHeight", { configurable: true, get: () => 10_000_000 });
  proto.scrollTo = function (this: HTMLElement, options?: ScrollToOptions | number) {
    if (typeof options === "object" && options.top !== undefined) this.scrollTop = options.top;
    // Browsers fire scroll after the frame, never inside the call.
    setTimeout(() => this.dispatchEvent(new Event("scroll")), 0);
  } as typeof proto.scrollTo;
  return () => {
    if (height) Object.defineProperty(proto, "clientHeight", height);
    if (width) Object.defineProperty(proto, "clientWidth", width);
    if (scrollHeight) Object.defineProperty(proto, "scrollHeight", scrollHeight);
    proto.scrollTo = scrollTo;
  };
}
