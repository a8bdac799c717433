import { formatMoney, isValidIsoDate, plural } from "../../../shared";
import { formatDate, formatNumber } from "../../components/format";

const dateOrAsWritten = (iso: string) => (isValidIsoDate(iso) ? formatDate(iso) : iso);

/**
 * An audit entry's detail in the words and formats the rest of the pane uses. The API writes the
 * detail once, as text, and keeps it unchanged; entries written years ago read like new ones:
 * "2026-07-07..2026-10-04" is "7 Jul 2026 to 4 Oct 2026", "£50000.00" (as entries before the
 * shared £ formatter wrote it) is "£50,000.00", to the penny, as recorded; "1 evidence link(s)" is "1 evidence link", "5000 × G1" is "5,000 × G1".
 */
export function readableAuditDetail(detail: string): string {
  return detail
    .replace(/\b(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\b/g, (_m, from: string, to: string) => `${dateOrAsWritten(from)} to ${dateOrAsWritten(to)}`)
    .replace(/\b\d{4}-\d{2}-\d{2}\b(?!T)/g, dateOrAsWritten)
    .replace(/£(\d+(?:\.\d{1,2})?)(?![\d,])/g, (_m, pounds: string) => formatMoney(Number(pounds)))
    .replace(/\b(\d+) evidence link\(s\)/g, (_m, count: string) => plural(Number(count), "evidence link"))
    .replace(/(?<![\d.,])(\d+(?:\.\d+)?) × /g, (_m, quantity: string) => `${formatNumber(Number(quantity))} × `);
}
