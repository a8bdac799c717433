import { formatMoney, formatMoneyShort, formatQuantity } from "../../taskpane/components/format";
import { readableAuditDetail } from "../../taskpane/panels/contributions/auditDetail";

describe("the pane writes £ through the shared formatter, to the penny", () => {
  it("shows pence whenever there are any, and none on whole pounds", () => {
    expect(formatMoney(6422.799999999999)).toBe("£6,422.80");
    expect(formatMoney(62_500)).toBe("£62,500");
    expect(formatMoney(1234.5)).toBe("£1,234.50"); // pence above £100 are not dropped
    expect(formatMoney(1.005)).toBe("£1.01");
  });

  it("is compact from £1m in narrow columns", () => {
    expect(formatMoneyShort(999_999.99)).toBe("£999,999.99");
    expect(formatMoneyShort(1_250_000)).toBe("£1.25m");
  });

  it("writes a £ quantity as money, and other units after the number", () => {
    expect(formatQuantity(1250.5, "£")).toBe("£1,250.50");
    expect(formatQuantity(5000, " £ ")).toBe("£5,000");
    expect(formatQuantity(2.5, "FTE")).toBe("2.5 FTE");
  });
});

describe("audit lines read the same whichever formatter wrote them", () => {
  it("reads old entries (£50000.00) and new ones (£50,000.00) alike", () => {
    const old = readableAuditDetail("Forms: 2 × J1 for 2026-07-01..2026-09-30, valued at £50000.00 with example 2026-illustrative");
    const current = readableAuditDetail("Forms: 2 × J1 for 2026-07-01..2026-09-30, valued at £50,000.00 with example 2026-illustrative");
    expect(old).toBe("Forms: 2 × J1 for 1 Jul 2026 to 30 Sept 2026, valued at £50,000.00 with example 2026-illustrative");
    expect(current).toBe(old);
  });
});
