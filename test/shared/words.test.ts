import { plural } from "../../shared";

test("a count with its noun: one, many, an irregular plural, and thousands written as people read them", () => {
  expect(plural(1, "contribution")).toBe("1 contribution");
  expect(plural(0, "contribution")).toBe("0 contributions");
  expect(plural(2, "evidence link")).toBe("2 evidence links");
  expect(plural(3, "reply", "replies")).toBe("3 replies");
  expect(plural(12_500, "row")).toBe("12,500 rows");
});
