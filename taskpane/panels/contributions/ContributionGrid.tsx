import { KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Text, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { EvidenceStatusBadge } from "../../components/EvidenceStatusBadge";
import { formatDate, formatMoney, formatMoneyShort, formatQuantity } from "../../components/format";
import { plural, warningsSummary } from "../../../shared";
import type { ContributionRow, Sort, SortKey } from "./gridModel";

/** Fixed row height: the virtualiser places rows without measuring them, which keeps 10,000 rows cheap. */
export const ROW_HEIGHT = 52;
/** Rows rendered beyond each edge of the view, so fast scrolling shows no blank gap. */
const OVERSCAN = 6;

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: "id", label: "Contribution" },
  { key: "supplier", label: "Supplier" },
  { key: "value", label: "Value" },
  { key: "due", label: "Evidence due" },
];

const useStyles = makeStyles({
  grid: {
    display: "flex",
    flexDirection: "column",
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    minWidth: 0,
  },
  // One column template for the header and every row, so cells line up without a <table>.
  row: {
    display: "grid",
    // Sized for a 320px pane: the reference (at least its 11 characters), a supplier name on up to two lines,
    // the £ value, the evidence state over "30 days" / "overdue" or a date. A wider pane gives the first
    // two columns the room, in the same proportion on every row, so the cells still line up; from 480px
    // the evidence column takes "30 days overdue" and "12 Dec 2026" on one line.
    gridTemplateColumns: "minmax(84px, 2fr) minmax(0, 3fr) 60px 84px",
    "@media (min-width: 480px)": { gridTemplateColumns: "minmax(96px, 2fr) minmax(0, 3fr) 68px 116px" },
    columnGap: tokens.spacingHorizontalXS,
    alignItems: "center",
    paddingLeft: tokens.spacingHorizontalXS,
    paddingRight: tokens.spacingHorizontalXS,
    boxSizing: "border-box",
  },
  header: { borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, minHeight: "32px" },
  sortButton: {
    backgroundColor: "transparent",
    border: "none",
    padding: 0,
    margin: 0,
    color: "inherit",
    fontFamily: "inherit",
    textAlign: "inherit",
    cursor: "pointer",
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXXS,
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase200,
    minHeight: "32px",
    width: "100%",
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  // As tall as its rows (set inline), up to most of the pane; a long list scrolls inside it.
  scroller: { maxHeight: "clamp(240px, 55vh, 560px)", overflowY: "auto", position: "relative" },
  body: { position: "relative", width: "100%" },
  dataRow: {
    position: "absolute",
    top: 0,
    left: 0,
    width: "100%",
    cursor: "pointer",
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover },
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`, outlineOffset: "-2px" },
  },
  cell: { display: "flex", flexDirection: "column", minWidth: 0, overflow: "hidden" },
  line: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  // References are codes: a fixed-width face keeps all eleven characters in the narrow column, in any font.
  reference: { fontFamily: tokens.fontFamilyMonospace },
  twoLines: { display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical", overflow: "hidden", overflowWrap: "anywhere" },
  words: { overflowWrap: "normal", wordBreak: "normal" },
  // The state keeps its own width rather than stretching across the column.
  evidence: { alignItems: "flex-start" },
  number: { textAlign: "right", alignItems: "flex-end" },
  numberHeader: { "& button": { justifyContent: "flex-end" } },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  flag: { color: tokens.colorPaletteDarkOrangeForeground1 },
});

interface Props {
  rows: readonly ContributionRow[];
  sort: Sort;
  onSort: (key: SortKey) => void;
  onOpen: (id: string) => void;
  label: string;
  /** True while a contribution is open in place of the list; showing the grid again returns to the same row. */
  hidden?: boolean;
}

/**
 * The Contributions grid: an ARIA grid of rows whose only DOM is the window in view (plus a few
 * either side). aria-rowcount / aria-rowindex tell screen readers where a row sits in the whole list.
 * One row is in the tab order; arrows, Page Up/Down, Home and End move it, Enter opens it.
 */
export function ContributionGrid({ rows, sort, onSort, onOpen, label, hidden = false }: Props) {
  const styles = useStyles();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | undefined>(undefined);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => rows[index]?.contribution.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const activeIndex = Math.min(active, Math.max(rows.length - 1, 0));
  // The focusable row must exist: if the officer scrolled it away, the first row in view takes its place.
  const tabStop = items.some((i) => i.index === activeIndex) ? activeIndex : items[0]?.index;

  // After a keyboard move, focus the row once the virtualiser has rendered it.
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === undefined) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    if (element) {
      pendingFocus.current = undefined;
      element.focus();
    }
  });

  // A hidden element loses its scroll position; keep it, and put the officer back on the row they opened.
  const offset = useRef(0);
  const wasHidden = useRef(hidden);
  useLayoutEffect(() => {
    if (wasHidden.current && !hidden) {
      if (scrollRef.current) scrollRef.current.scrollTop = offset.current;
      pendingFocus.current = activeIndex;
      virtualizer.scrollToIndex(activeIndex, { align: "auto" });
    }
    wasHidden.current = hidden;
  });

  function move(to: number) {
    const index = Math.max(0, Math.min(rows.length - 1, to));
    setActive(index);
    pendingFocus.current = index;
    virtualizer.scrollToIndex(index, { align: "auto" });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>, index: number, id: string) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 8) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + page, PageUp: index - page, Home: 0, End: rows.length - 1 };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      move(to);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen(id);
    }
  }

  return (
    <div role="grid" aria-label={label} aria-rowcount={rows.length + 1} aria-colcount={COLUMNS.length} className={styles.grid}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className={mergeClasses(styles.row, styles.header)}>
          {COLUMNS.map((column, i) => {
            const sorted = sort.key === column.key ? sort.direction : undefined;
            return (
              <div key={column.key} role="columnheader" aria-colindex={i + 1} aria-sort={sorted ?? "none"} className={column.key === "value" ? styles.numberHeader : undefined}>
                <button type="button" className={styles.sortButton} onClick={() => onSort(column.key)}>
                  {column.label}
                  {sorted && <span aria-hidden="true">{sorted === "ascending" ? "▲" : "▼"}</span>}
                </button>
              </div>
            );
          })}
        </div>
      </div>
      <div
        role="rowgroup"
        ref={scrollRef}
        className={styles.scroller}
        style={{ height: virtualizer.getTotalSize() }}
        onScroll={(event) => {
          if (!hidden) offset.current = event.currentTarget.scrollTop;
        }}
      >
        <div role="presentation" className={styles.body} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const c = row.contribution;
            return (
              <div
                key={item.key}
                role="row"
                data-index={item.index}
                aria-rowindex={item.index + 2}
                tabIndex={item.index === tabStop ? 0 : -1}
                className={mergeClasses(styles.row, styles.dataRow)}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  setActive(item.index);
                  onOpen(c.id);
                }}
                onFocus={() => setActive(item.index)}
                onKeyDown={(event) => onKeyDown(event, item.index, c.id)}
              >
                <div role="gridcell" aria-colindex={1} className={styles.cell}>
                  <Text size={200} weight="semibold" className={mergeClasses(styles.line, styles.reference)}>
                    {c.id}
                  </Text>
                  {/* A long unit ("tonnes CO2e") takes a second line rather than being cut off. */}
                  <Text size={200} className={styles.twoLines}>
                    {/* On the second line: the reference above keeps all its characters in the narrow column. */}
                    {c.warnings.length > 0 && (
                      <span role="img" aria-label={`Needs a look: ${warningsSummary(c.warnings)}.`} title={c.warnings.map((w) => w.message).join("\n")} className={styles.flag}>
                        ⚑{" "}
                      </span>
                    )}
                    {c.measureCode} · {formatQuantity(c.quantity, row.unit)}
                  </Text>
                </div>
                <div role="gridcell" aria-colindex={2} className={styles.cell} title={c.supplier}>
                  <Text size={200} className={styles.twoLines}>
                    {c.supplier}
                  </Text>
                </div>
                <div role="gridcell" aria-colindex={3} className={mergeClasses(styles.cell, styles.number)}>
                  {/* "not valued" may take two lines in the narrow column; a figure never wraps. */}
                  <Text size={200} className={c.value === null ? mergeClasses(styles.twoLines, styles.words) : styles.line} title={c.value === null ? undefined : formatMoney(c.value)}>
                    {c.value === null ? "not valued" : formatMoneyShort(c.value)}
                  </Text>
                </div>
                <div role="gridcell" aria-colindex={4} className={mergeClasses(styles.cell, styles.evidence)}>
                  <EvidenceStatusBadge status={c.evidenceStatus} />
                  {/* Whole words on up to two lines under the state: never cut off. */}
                  {row.overdueDays > 0 ? (
                    <Text size={200} className={mergeClasses(styles.words, styles.overdue)}>
                      {plural(row.overdueDays, "day")} overdue
                    </Text>
                  ) : (
                    <Text size={200} className={styles.words}>
                      {formatDate(c.evidenceDueDate)}
                    </Text>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
