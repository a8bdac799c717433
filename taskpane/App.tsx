import { ComponentType, useCallback, useMemo, useReducer, useState } from "react";
import { MessageBar, MessageBarBody, Spinner, Subtitle2, Tab, TabList, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Contract } from "../shared";
import { Services, defaultServices } from "./services";
import type { Role, SignedInUser } from "./auth/AccountManager";
import { AccountBar } from "./auth/AccountBar";
import { SignInCard } from "./auth/SignInCard";
import { useAccountState } from "./auth/useAccountState";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { NoWorkbookNotice } from "./components/NoWorkbookNotice";
import { ChaseLedgerPanel } from "./panels/ChaseLedgerPanel";
import { CommitmentsPanel } from "./panels/CommitmentsPanel";
import { ContractsPanel } from "./panels/ContractsPanel";
import { ContributionsPanel } from "./panels/ContributionsPanel";
import { CrosswalksPanel } from "./panels/CrosswalksPanel";
import { PacksPanel } from "./panels/PacksPanel";
import { PortfolioPanel } from "./panels/PortfolioPanel";
import type { PanelProps } from "./panels/PanelProps";
import { PerformancePanel } from "./panels/PerformancePanel";
import { QuarantinePanel } from "./panels/QuarantinePanel";
import type { WorkbookGateway } from "./workbookGateway";

interface PanelDefinition {
  id: string;
  label: string;
  Panel: ComponentType<PanelProps>;
  /** Panels that talk to the API wait for a sign-in; the shell shows why instead. */
  needsSignIn: boolean;
  /** App roles the panel's routes serve; others are told which role it needs rather than shown the API's 403. */
  roles?: readonly Role[];
}

const OFFICER: readonly Role[] = ["Officer"];

/** The panels in navigation order; a new panel is one more line. */
const PANELS: readonly [PanelDefinition, ...PanelDefinition[]] = [
  { id: "contracts", label: "Contracts", Panel: ContractsPanel, needsSignIn: true, roles: OFFICER },
  { id: "contributions", label: "Contributions", Panel: ContributionsPanel, needsSignIn: true, roles: OFFICER },
  { id: "commitments", label: "Commitments", Panel: CommitmentsPanel, needsSignIn: true, roles: OFFICER },
  { id: "performance", label: "Performance", Panel: PerformancePanel, needsSignIn: true, roles: OFFICER },
  { id: "quarantine", label: "Quarantine", Panel: QuarantinePanel, needsSignIn: true, roles: OFFICER },
  { id: "chase-ledger", label: "Chase ledger", Panel: ChaseLedgerPanel, needsSignIn: true, roles: ["Officer", "Manager"] },
  { id: "portfolio", label: "Portfolio", Panel: PortfolioPanel, needsSignIn: true, roles: ["Officer", "Manager"] },
  { id: "packs", label: "Packs", Panel: PacksPanel, needsSignIn: false },
  { id: "crosswalks", label: "Crosswalks", Panel: CrosswalksPanel, needsSignIn: true, roles: OFFICER },
];

function missingRole(panel: PanelDefinition, user: SignedInUser | undefined): boolean {
  return user !== undefined && panel.roles !== undefined && !panel.roles.some((r) => user.roles.includes(r));
}

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

interface AppProps {
  gateway: WorkbookGateway;
  /** The account manager and API client; the page's own (from the build's settings) when not given. */
  services?: Services;
  /** The panel shown first; Contracts unless told. */
  initialPanelId?: string;
}

export function App({ gateway, services: given, initialPanelId }: AppProps) {
  const styles = useStyles();
  const [services] = useState(() => given ?? defaultServices());
  const account = useAccountState(services.accounts);
  const user = account.status === "signed-in" ? account.user : undefined;

  const first = PANELS.find((p) => p.id === initialPanelId) ?? PANELS[0];
  const [selectedId, setSelectedId] = useState(first.id);
  // Panels are mounted on first visit and then kept (hidden), so filters, scroll and drafts survive tab changes.
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([first.id]));
  const showPanel = useCallback((id: string) => {
    if (!PANELS.some((p) => p.id === id)) throw new Error(`There is no panel "${id}"`);
    setSelectedId(id);
    setVisited((v) => (v.has(id) ? v : new Set([...v, id])));
  }, []);

  // The pick belongs to whoever made it: another person signing in starts with no contract.
  const [choice, setChoice] = useState<{ email?: string; contract?: Contract }>({});
  const email = user?.email;
  const selectedContract = choice.email === email ? choice.contract : undefined;
  const selectContract = useCallback((contract: Contract | undefined) => setChoice({ email, contract }), [email]);
  const [ledgerVersion, bumpLedger] = useReducer((n: number) => n + 1, 0);
  const [recalculation, setRecalculation] = useState<string>();
  const ledgerChanged = useCallback(() => {
    bumpLedger();
    // TOMS.DELIVERED and TOMS.OVERDUE ask the API only when Excel calculates them; a review or new commitments changes their answers.
    // (Outside Excel the gateway has nothing to recalculate.)
    gateway.recalculateLiveValues().then(
      () => setRecalculation(undefined),
      (err: unknown) => setRecalculation(err instanceof Error ? err.message : String(err)),
    );
  }, [gateway]);

  const panelProps: PanelProps = useMemo(
    () => ({
      gateway,
      api: services.api,
      user,
      contract: { selected: selectedContract, select: selectContract },
      ledger: { version: ledgerVersion, changed: ledgerChanged },
      showPanel,
    }),
    [gateway, services.api, user, selectedContract, selectContract, ledgerVersion, ledgerChanged, showPanel],
  );

  return (
    <div className={styles.root}>
      <header className={styles.header}>
        <Subtitle2 as="h1" className={styles.title}>
          Social Value Ledger
        </Subtitle2>
        {account.status === "starting" && <Spinner size="tiny" labelPosition="after" label="Signing in with your Microsoft 365 account…" />}
        {account.status === "signed-out" && <SignInCard accounts={services.accounts} reason={account.reason} />}
        {account.status === "signed-in" && <AccountBar accounts={services.accounts} user={account.user} />}
        {!gateway.isInExcel() && <NoWorkbookNotice />}
        {recalculation && (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>{recalculation}</MessageBarBody>
          </MessageBar>
        )}
      </header>
      <nav aria-label="Task pane">
        <TabList className={styles.tabs} size="small" selectedValue={selectedId} onTabSelect={(_e, data) => showPanel(String(data.value))}>
          {PANELS.map((p) => (
            // Only mounted panels exist in the page, so only their tabs may point at them.
            <Tab key={p.id} id={`tab-${p.id}`} value={p.id} aria-controls={visited.has(p.id) ? `panel-${p.id}` : undefined}>
              {p.label}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main className={styles.panel}>
        {PANELS.filter((p) => visited.has(p.id)).map((p) => (
          <div key={p.id} role="tabpanel" id={`panel-${p.id}`} aria-labelledby={`tab-${p.id}`} hidden={p.id !== selectedId}>
            <ErrorBoundary>
              {p.needsSignIn && !user ? (
                <Text>Sign in above to see {p.label.toLowerCase()}.</Text>
              ) : missingRole(p, user) ? (
                <Text>
                  {p.label} needs the {p.roles?.join(" or ")} role; your account has {user?.roles.join(" and ") || "no role"}. Ask an administrator if you need
                  it.
                </Text>
              ) : (
                // Keyed by who is signed in: a different person starts the panel afresh.
                <p.Panel key={user?.email ?? "signed-out"} {...panelProps} />
              )}
            </ErrorBoundary>
          </div>
        ))}
      </main>
    </div>
  );
}
