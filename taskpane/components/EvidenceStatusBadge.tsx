import { Badge } from "@fluentui/react-components";
import type { BadgeProps } from "@fluentui/react-components";
import type { EvidenceStatus } from "../../shared";

const COLOUR: Record<EvidenceStatus, BadgeProps["color"]> = {
  missing: "warning",
  submitted: "informative",
  accepted: "success",
  rejected: "danger",
};

/** The evidence state as a word (colour is never the only signal). */
export function EvidenceStatusBadge({ status }: { status: EvidenceStatus }) {
  return (
    <Badge appearance="tint" color={COLOUR[status]} size="small">
      {status}
    </Badge>
  );
}
