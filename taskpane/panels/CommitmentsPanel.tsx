import { Button, Subtitle1, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { PanelProps } from "./PanelProps";
import { CommitmentsEditor } from "./commitments/CommitmentsEditor";
import { usePanelStyles } from "../components/layout";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, alignItems: "flex-start" },
});

/** Commitments: the committed quantities of the contract picked in Contracts, imported from the workbook. */
export function CommitmentsPanel({ gateway, api, contract, ledger, showPanel }: PanelProps) {
  const styles = useStyles();
  const layout = usePanelStyles();
  const selected = contract.selected;
  return (
    <div className={styles.root}>
      <Subtitle1 as="h2" className={layout.heading}>
        Commitments{selected ? ` for ${selected.id}` : ""}
      </Subtitle1>
      {selected ? (
        // Keyed by contract: an import for one contract is never saved to another.
        <CommitmentsEditor key={selected.id} gateway={gateway} api={api} contract={selected} onSaved={ledger.changed} />
      ) : (
        <>
          <Text>Pick a contract in Contracts first; its commitments are imported and saved here.</Text>
          <Button onClick={() => showPanel("contracts")}>Go to Contracts</Button>
        </>
      )}
    </div>
  );
}
