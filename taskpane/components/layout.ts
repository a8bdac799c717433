import { makeStyles, tokens } from "@fluentui/react-components";

/**
 * The layout every panel is built from, so panels space alike: a panel is a column of parts
 * (`panel`, or `sections` where its parts are whole sections), a section a tighter column,
 * headings carry no margin of their own, a heading row puts a button at the far end, and a row
 * of actions wraps in a narrow pane.
 */
export const usePanelStyles = makeStyles({
  panel: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  sections: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  headingRow: { display: "flex", flexWrap: "wrap", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalS },
  actions: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
});
