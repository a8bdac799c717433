import { Button, Subtitle1 } from "@fluentui/react-components";
import { usePanelStyles } from "./layout";

/** A panel's title, with Refresh beside it while there is something loaded to refresh. */
export function PanelHeading({ title, id, onRefresh }: { title: string; id?: string; onRefresh?: () => void }) {
  const layout = usePanelStyles();
  return (
    <div className={layout.headingRow}>
      <Subtitle1 as="h2" id={id} className={layout.heading}>
        {title}
      </Subtitle1>
      {onRefresh && (
        <Button size="small" onClick={onRefresh}>
          Refresh
        </Button>
      )}
    </div>
  );
}
