import { MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from "@fluentui/react-components";
import type { FrameworkPack } from "../../../shared";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
    overflowWrap: "anywhere",
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
  },
  // dl > div > dt + dd is valid HTML; `contents` lets each pair sit in the grid's two columns.
  group: { display: "contents" },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0 },
});

/** What a framework pack is: enough to tell editions apart and to know whether its values are real. */
export function PackSummary({ pack }: { pack: FrameworkPack }) {
  const styles = useStyles();
  const facts: [string, string][] = [
    ["Name", pack.name],
    ["Pack id", pack.id],
    ["Edition", pack.edition],
    ["Measures", `${pack.measures.length} in ${pack.themes.length} ${pack.themes.length === 1 ? "theme" : "themes"}`],
    ["Licence", pack.licence],
    ["Source", pack.source],
  ];
  return (
    <div className={styles.root}>
      {pack.illustrative && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Illustrative values, not for real evaluations.</MessageBarTitle> The proxy values in this pack are made
            up so you can try the add-in. Import your organisation&apos;s licensed framework pack before valuing real bids.
          </MessageBarBody>
        </MessageBar>
      )}
      <dl className={styles.facts}>
        {facts.map(([term, value]) => (
          <div key={term} className={styles.group}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.value}>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
