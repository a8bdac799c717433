/*
 * Measures tables shaped the way councils publish them: a title block and notes above the header,
 * headers with line breaks and non-breaking spaces, section headings, merged theme cells read as
 * blanks, £ with commas, a totals row and a "Source:" row. Every measure, value and council here is
 * made up; none is a row of a licensed framework.
 */

const NBSP = "\u00a0";

/** A county council's measures as a CSV export of its spreadsheet. */
export const COUNTY_CSV = [
  "Northshire County Council — Social Value Measures 2026/27,,,,,,",
  "Version 3; values in 2026 prices,,,,,,",
  ",,,,,,",
  `NT Ref,Themes,Outcomes,Measures,Unit${NBSP}of measure,"Proxy${NBSP}Values\n(£)",Evidence required`,
  "Jobs,,,,,,",
  'NC1,Jobs,More residents in work,Residents employed on the contract,no. people FTE,"£24,310.00",Payroll extract',
  'NC2,,,Care leavers given a first job,no. people FTE,"£19,875.50",Offer letters',
  "NC3,,Skills for the future,Hours of school outreach (hours × pupils),hours,£9.40,Attendance sheet",
  ",,,,,,",
  "Growth,,,,,,",
  "NC10,Growth,A stronger local economy,Spend with Northshire micro and small firms,£ spent,£0.21,Invoices",
  "NC11,,Fair work,Staff paid the Northshire living wage,no. staff,n/a,Pay policy",
  "NC12,,,Spend with local charities and social enterprises,£ spent,£ -,Invoices",
  "Environment,,,,,,",
  'NC20,Environment,Cleaner air,Tonnes of CO2e avoided on the contract,tCO2e,"£ 1,012.00",Carbon report',
  ',,,Total,,"£45,226.11",',
  "Source: Northshire County Council procurement team. Proxy values used under licence.,,,,,,",
].join("\r\n");

/** The same kind of table in Welsh, as Excel hands a range to a function: numbers as numbers, empty cells as "". */
export function welshRange(): unknown[][] {
  return [
    ["Mesurau Gwerth Cymdeithasol – Cyngor Sir Enghraifft", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["Cyf.", "Themâu", "Canlyniad", "Mesur", "Uned", "Gwerth Procsi (£)", "Prisio"],
    ["CY1", "Swyddi", "Mwy o bobl leol mewn gwaith", "Pobl leol a gyflogir ar y contract", "CALl", 23150, "Procsi"],
    ["CY2", "", "", "Wythnosau prentisiaeth ar y contract", "wythnosau", "£212.00", "procsi"],
    ["CY3", "Cymunedau", "Cymunedau iachach", "Cyfraniadau i brosiectau cymunedol", "£", "", "Gwerth wyneb"],
    ["CY4", "", "", "Astudiaeth achos ar les staff", "astudiaeth achos", "", "Ansoddol"],
    ["CY5", "", "", "Oriau gwirfoddoli staff", "oriau", "", "proxy (value not shown)"],
    ["Cyfanswm", "", "", "", "", 23362, ""],
  ];
}

/**
 * A register of measures: published without the licensed proxies, so no £ column at all, with the
 * valuation kind in plain words.
 */
export function registerRange(): unknown[][] {
  return [
    ["Eastborough Borough Council – social value measures (proxy values are licensed and not shown)", null, null, null, null, null],
    [null, null, null, null, null, null],
    ["Ref", "Theme", "Outcome", "Measure", "Units", "Valuation"],
    ["EB1", "Employment", "Local jobs", "Local residents employed on the contract", "FTE", "Proxy"],
    ["EB2", null, null, "Work placements for students", "weeks", "proxy (value not shown)"],
    ["EB3", "Community", "Stronger communities", "Donations to local food banks", "£", "Face value of inputs"],
    ["EB4", null, null, "Staff volunteering days", "days", ""],
    ["EB5", null, null, "Community engagement plan", "plan", "Record only"],
    ["EB6", null, null, "Case study of a community project", "case study", "Qualitative"],
  ];
}

const THEMES = ["Jobs", "Growth", "Social", "Environment", "Innovation"];

/**
 * A long messy table for benchmarks: `count` measures under section headings, with merged theme
 * cells, blank rows between sections, an unused notes column, a totals row and a source row.
 */
export function messyRange(count: number): unknown[][] {
  const rows: unknown[][] = [
    ["Example Council — Social value measures", "", "", "", "", "", ""],
    ["Values are illustrative, in 2026 prices", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["NT Ref", "Themes", "Outcomes", "Measures", `Unit${NBSP}of\nmeasure`, "Proxy Values (£)", "Notes"],
  ];
  const perTheme = Math.ceil(count / THEMES.length);
  for (let i = 1; i <= count; i++) {
    const theme = THEMES[Math.floor((i - 1) / perTheme)] ?? "Jobs";
    const firstOfTheme = (i - 1) % perTheme === 0;
    if (firstOfTheme) rows.push(["", "", "", "", "", "", ""], [theme, "", "", "", "", "", ""]);
    const value = i % 10 === 0 ? "n/a" : `£${(i * 137.25).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`;
    rows.push([`M${i}`, firstOfTheme ? theme : "", i % 4 === 1 ? `${theme} outcome ${i}` : "", `Measure number ${i} of the example table`, i % 3 === 0 ? "hours" : "no. people FTE", value, i % 5 === 0 ? "see guidance" : ""]);
  }
  rows.push(["", "", "", "Total", "", "£1,234,567.89", ""], ["Source: made up for the benchmark.", "", "", "", "", "", ""]);
  return rows;
}
