import { ComponentType, useState } from "react";
import { Subtitle2, Tab, TabList, makeStyles, tokens } from "@fluentui/react-components";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { NoWorkbookNotice } from "./components/NoWorkbookNotice";
import { PacksPanel } from "./panels/PacksPanel";
import type { PanelProps } from "./panels/PanelProps";
import type { WorkbookGateway } from "./workbookGateway";

interface PanelDefinition {
  id: string;
  label: string;
  Panel: ComponentType<PanelProps>;
}

/** The panels in navigation order; each later panel (Contracts, Contributions, …) is one more entry. */
const PANELS: readonly [PanelDefinition, ...PanelDefinition[]] = [{ id: "packs", label: "Packs", Panel: PacksPanel }];

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minWidth: 0,
    boxSizing: "border-box",
  },
  header: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  title: { margin: 0 },
  // Tabs wrap onto a second line rather than scroll sideways in a 320px pane.
  tabs: { flexWrap: "wrap" },
  panel: { minWidth: 0 },
});

export function App({ gateway }: { gateway: WorkbookGateway }) {
  const styles = useStyles();
  const [selectedId, setSelectedId] = useState(PANELS[0].id);
  const selected = PANELS.find((p) => p.id === selectedId) ?? PANELS[0];

  return (
    <div className={styles.root}>
      <header className={styles.header}>
        <Subtitle2 as="h1" className={styles.title}>
          Social Value Ledger
        </Subtitle2>
        {!gateway.isInExcel() && <NoWorkbookNotice />}
      </header>
      <nav aria-label="Task pane">
        <TabList
          className={styles.tabs}
          size="small"
          selectedValue={selected.id}
          onTabSelect={(_e, data) => setSelectedId(String(data.value))}
        >
          {PANELS.map((p) => (
            // Only the selected panel is rendered, so only its tab may point at it.
            <Tab key={p.id} id={`tab-${p.id}`} value={p.id} aria-controls={p.id === selected.id ? `panel-${p.id}` : undefined}>
              {p.label}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main className={styles.panel}>
        <div role="tabpanel" id={`panel-${selected.id}`} aria-labelledby={`tab-${selected.id}`}>
          {/* Keyed so that moving to another panel and back starts it afresh after an error. */}
          <ErrorBoundary key={selected.id}>
            <selected.Panel gateway={gateway} />
          </ErrorBoundary>
        </div>
      </main>
    </div>
  );
}
