import { CrosswalkInputSchema, crosswalkFromCsv, crosswalkFromRows, crosswalkReport, problemsFromZod, ValidationError } from "../../shared";

/* Codes and packs below are made up for the tests (a local variant "northshire" and a record-only "svm-local"); no official metric list is used. */

describe("importing a crosswalk like a pack", () => {
  test("a header row below a title, blank rows skipped, factors as numbers or text, a pack column filled in when missing", () => {
    const rows = [
      ["Northshire to our Social Value Model codes", null, null],
      [null, null, null],
      ["From code", "To code", "Conversion factor"],
      ["J1", "SVM-EMP-1", 1],
      [null, "", null],
      ["J3", "SVM-SKL-2", "0.02"],
      ["E1", "SVM-ENV-1", ""],
    ];
    expect(crosswalkFromRows(rows, { fromPack: "northshire", toPack: "svm-local" })).toEqual([
      { fromPack: "northshire", fromCode: "J1", toPack: "svm-local", toCode: "SVM-EMP-1", factor: 1 },
      { fromPack: "northshire", fromCode: "J3", toPack: "svm-local", toCode: "SVM-SKL-2", factor: 0.02 },
      { fromPack: "northshire", fromCode: "E1", toPack: "svm-local", toCode: "SVM-ENV-1", factor: 1 },
    ]);
  });

  test("every problem has its row and column; a table without the header says which columns it needs", () => {
    const csv = "From pack,From code,To pack,To code,Factor\r\nnorthshire,J1,svm-local,SVM-EMP-1,1\r\nNorthshire!,J2,svm-local,,-1\r\n";
    let caught: unknown;
    try {
      crosswalkFromCsv(csv);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [3, "From pack", "not a pack id"],
      [3, "To code", "a mapping needs the code it maps to"],
      [3, "Factor", "a factor is more than 0"],
    ]);
    expect(() => crosswalkFromRows([["Code", "Quantity"]])).toThrow(/no header row with a From code column and a To code column/);
  });

  test("the same mapping twice is refused with its index", () => {
    const m = { fromPack: "northshire", fromCode: "J1", toPack: "svm-local", toCode: "SVM-EMP-1" };
    const parsed = CrosswalkInputSchema.safeParse({ name: "x", mappings: [m, { ...m, fromCode: "j1" }] });
    expect(problemsFromZod(parsed.error?.issues ?? [])).toEqual([{ path: ["mappings", 1], message: "northshire j1 → svm-local SVM-EMP-1 is mapped twice" }]);
  });
});

describe("a contract's delivery in another framework's codes", () => {
  const crosswalk = {
    id: "northshire-to-svm",
    mappings: [
      { fromPack: "northshire", fromCode: "J1", toPack: "svm-local", toCode: "SVM-EMP-1", factor: 1 },
      { fromPack: "northshire", fromCode: "J1", toPack: "toms-local", toCode: "NT1", factor: 52 },
      { fromPack: "northshire", fromCode: "J3", toPack: "svm-local", toCode: "SVM-EMP-1", factor: 0.5 },
      { fromPack: "other-pack", fromCode: "E1", toPack: "svm-local", toCode: "SVM-ENV-1", factor: 1 },
    ],
  };
  test("quantities × factor, £ in the contract's pack to the penny, unmapped codes listed rather than dropped", () => {
    const report = crosswalkReport({ id: "C-1001", packId: "northshire" }, crosswalk, [
      { measureCode: "J1", quantity: 2, value: 50_000.1 },
      { measureCode: "j3", quantity: 10, value: 2_400.2 },
      { measureCode: "E1", quantity: 3, value: 0.1 },
      { measureCode: "E1", quantity: 1, value: 0.2 },
      { measureCode: "S9", quantity: 1, value: null },
    ]);
    expect(report.lines).toEqual([
      { pack: "svm-local", code: "SVM-EMP-1", quantity: 7, value: 52_400.3 },
      { pack: "toms-local", code: "NT1", quantity: 104, value: 50_000.1 },
    ]);
    expect(report.unmapped).toEqual([
      { pack: "northshire", code: "E1", quantity: 4, value: 0.3 },
      { pack: "northshire", code: "S9", quantity: 1, value: 0 },
    ]);
  });
});
