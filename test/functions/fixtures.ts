/**
 * A measures range as Excel hands it to a function: header row in the TOMs calculator's words,
 * merged theme cells read as blanks, money as text. The values are made up.
 */
export function measuresRange(): unknown[][] {
  return [
    ["Ref", "Theme", "Outcome", "Measure", "Units", "Proxy Value (£)"],
    ["NT1", "Jobs", "More local people in employment", "Local people employed on the contract", "no. people FTE", "£30,000.00"],
    ["NT3", "", "", "Long-term unemployed people employed", "no. people FTE", 21000],
    ["NT14", "Growth", "Fair work", "Staff paid the real Living Wage", "no. staff", "n/a"],
    ["", "", "", "", "", ""],
    ["NT31", "Environment", "Carbon emissions are reduced", "Carbon saved", "tonnes CO2e", "£ 80.50"],
  ];
}

/** The same range with a negative proxy on sheet row 3 and a missing unit on sheet row 6. */
export function badMeasuresRange(): unknown[][] {
  const rows = measuresRange();
  rows[2] = ["NT3", "", "", "Long-term unemployed people employed", "no. people FTE", -5];
  rows[5] = ["NT31", "Environment", "Carbon emissions are reduced", "Carbon saved", "", "£ 80.50"];
  return rows;
}
