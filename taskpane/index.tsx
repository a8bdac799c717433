import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { FluentProvider, webDarkTheme, webLightTheme } from "@fluentui/react-components";
import { App } from "./App";
import { defaultServices } from "./services";
import { isAuthResponse } from "./auth/redirect";
import { connectToWorkbook } from "./workbookGateway";

async function start(root: HTMLElement): Promise<void> {
  if (isAuthResponse(window.location)) {
    root.textContent = "Finishing sign-in…";
    const { broadcastResponseToMainFrame } = await import(/* webpackChunkName: "msal-redirect" */ "@azure/msal-browser/redirect-bridge");
    await broadcastResponseToMainFrame();
    return;
  }
  const gateway = await connectToWorkbook();
  // After Office.onReady (inside connectToWorkbook): nested app authentication needs Office to be ready.
  const services = defaultServices();
  createRoot(root).render(
    <StrictMode>
      <FluentProvider theme={gateway.isOfficeThemeDark() ? webDarkTheme : webLightTheme}>
        <App gateway={gateway} services={services} />
      </FluentProvider>
    </StrictMode>,
  );
  await services.accounts.start();
}

const root = document.getElementById("root");
if (!root) throw new Error('taskpane.html has no element with id "root"');
start(root).catch((err: unknown) => {
  // React never rendered, so say what failed in plain HTML.
  root.textContent = `Social Value Ledger could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
});
