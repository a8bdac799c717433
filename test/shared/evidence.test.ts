import {
  addDays,
  dateFromCell,
  dateInTimeZone,
  daysOverdue,
  dueDateAfterRejection,
  evidenceDueDate,
  excelSerialToIsoDate,
  isoDateToExcelSerial,
  isOverdue,
  nextEvidenceStatus,
  EvidenceTransitionError,
  todayIn,
} from "../../shared";

describe("dates", () => {
  it("converts Excel serial numbers", () => {
    expect(excelSerialToIsoDate(46350)).toBe("2026-11-24");
    expect(excelSerialToIsoDate(46350.72)).toBe("2026-11-24");
    expect(isoDateToExcelSerial("2026-11-24")).toBe(46350);
  });
  it("reads cells holding serials or ISO text, and nothing else", () => {
    expect(dateFromCell(45658)).toBe("2025-01-01");
    expect(dateFromCell(" 2026-03-31 ")).toBe("2026-03-31");
    expect(dateFromCell("2026-02-30")).toBeUndefined();
    expect(dateFromCell("31/03/2026")).toBeUndefined();
    expect(dateFromCell("2026-03-31T23:00:00Z")).toBe("2026-03-31");
    // Date.parse would roll this over to 2 March.
    expect(dateFromCell("2026-02-30T10:00:00Z")).toBeUndefined();
  });
  it("adds days across month and leap-year ends", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
  it("takes the calendar date in the organisation's time zone", () => {
    const lateEveningUtcInSummer = new Date("2026-06-30T23:30:00Z");
    expect(dateInTimeZone(lateEveningUtcInSummer, "Europe/London")).toBe("2026-07-01");
    expect(dateInTimeZone(lateEveningUtcInSummer, "UTC")).toBe("2026-06-30");
    expect(todayIn("Europe/London", new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
  });
});

describe("evidence rules", () => {
  it("is due grace days after the period ends", () => {
    expect(evidenceDueDate("2026-09-30", 30)).toBe("2026-10-30");
    expect(dueDateAfterRejection("2026-11-02", 14)).toBe("2026-11-16");
  });
  it("moves missing → submitted → accepted | rejected, and rejected → submitted", () => {
    expect(nextEvidenceStatus("missing", "submit")).toBe("submitted");
    expect(nextEvidenceStatus("submitted", "accept")).toBe("accepted");
    expect(nextEvidenceStatus("submitted", "reject")).toBe("rejected");
    expect(nextEvidenceStatus("rejected", "submit")).toBe("submitted");
  });
  it("refuses reviews of nothing and changes to accepted evidence", () => {
    expect(() => nextEvidenceStatus("missing", "accept")).toThrow(EvidenceTransitionError);
    expect(() => nextEvidenceStatus("missing", "reject")).toThrow(/nothing submitted to review/);
    expect(() => nextEvidenceStatus("accepted", "submit")).toThrow(/already accepted/);
  });
  it("is overdue only after the due date, and only while nothing is submitted or accepted", () => {
    expect(isOverdue("missing", "2026-10-30", "2026-10-30")).toBe(false);
    expect(isOverdue("missing", "2026-10-30", "2026-10-31")).toBe(true);
    expect(isOverdue("rejected", "2026-10-30", "2026-11-30")).toBe(true);
    expect(isOverdue("submitted", "2026-10-30", "2026-11-30")).toBe(false);
    expect(isOverdue("accepted", "2026-10-30", "2026-11-30")).toBe(false);
    expect(daysOverdue("2026-10-30", "2026-11-06")).toBe(7);
    expect(daysOverdue("2026-10-30", "2026-10-01")).toBe(0);
  });
});
