import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { FluentProvider, webDarkTheme, webLightTheme } from "@fluentui/react-components";
import { App } from "./App";
import { connectToWorkbook } from "./workbookGateway";

async function start(root: HTMLElement): Promise<void> {
  const gateway = await connectToWorkbook();
  createRoot(root).render(
    <StrictMode>
      <FluentProvider theme={gateway.isOfficeThemeDark() ? webDarkTheme : webLightTheme}>
        <App gateway={gateway} />
      </FluentProvider>
    </StrictMode>,
  );
}

const root = document.getElementById("root");
if (!root) throw new Error('taskpane.html has no element with id "root"');
start(root).catch((err: unknown) => {
  // React never rendered, so say what failed in plain HTML.
  root.textContent = `Social Value Ledger could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
});
