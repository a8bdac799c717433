import type { WorkbookGateway } from "../workbookGateway";

/** What the shell hands every panel. Later panels add their services (the API client) here. */
export interface PanelProps {
  gateway: WorkbookGateway;
}
