import { MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from "@fluentui/react-components";
import { proxyValueMissing } from "../../../shared";
import type { FrameworkPack } from "../../../shared";
import { FactList } from "../../components/FactList";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

/** What a framework pack is: enough to tell editions apart and to know whether its values are real. */
export function PackSummary({ pack }: { pack: FrameworkPack }) {
  const styles = useStyles();
  const withoutValue = pack.measures.filter(proxyValueMissing).length;
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
      <FactList
        facts={[
          ["Name", pack.name],
          ["Pack id", pack.id],
          ["Edition", pack.edition],
          ["Measures", `${pack.measures.length} in ${pack.themes.length} ${pack.themes.length === 1 ? "theme" : "themes"}`],
          ...(withoutValue > 0
            ? [["Without a £ value", `${withoutValue} proxy ${withoutValue === 1 ? "measure" : "measures"}: valuing one answers #N/A until a pack with its value is pinned`] as [string, string]]
            : []),
          ["Licence", pack.licence],
          ["Source", pack.source],
        ]}
      />
    </div>
  );
}
