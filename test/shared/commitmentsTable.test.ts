import { CommitmentsSchema, EXAMPLE_PACK, describeProblem, indexPack } from "../../shared";
import { commitmentsFromRows } from "../../shared/commitmentsTable";
import { MAX_COMMITMENTS } from "../../shared/model";

const PACK = indexPack(EXAMPLE_PACK);
const described = (rows: unknown[][]) => commitmentsFromRows(rows, PACK).problems.map(describeProblem);

test("reads codes and quantities, with supplier and note, valued with the contract's pack", () => {
  const table = commitmentsFromRows(
    [
      ["Measure ref", "Committed", "Supplier", "Notes"],
      ["J1", 2, "Acme Build Ltd", "Two local apprentices"],
      [" j3 ", "1,250", "", ""],
      ["G3", 10, "", ""],
      ["S2", "£5,000", "Acme Build Ltd", ""],
    ],
    PACK,
  );
  expect(table.problems).toEqual([]);
  expect(table.rows.map((r) => [r.row, r.commitment, r.value])).toEqual([
    [2, { measureCode: "J1", quantity: 2, supplier: "Acme Build Ltd", note: "Two local apprentices" }, 50000],
    [3, { measureCode: "J3", quantity: 1250 }, 300000],
    [4, { measureCode: "G3", quantity: 10 }, null],
    [5, { measureCode: "S2", quantity: 5000, supplier: "Acme Build Ltd" }, 5000],
  ]);
  expect(table.total).toBe(355000);
  // What it reads is what the API accepts.
  expect(CommitmentsSchema.safeParse({ commitments: table.rows.map((r) => r.commitment) }).success).toBe(true);
});

test.each([
  [["Code", "Quantity"]],
  [["Ref", "Target"]],
  [["REF", "Qty"]],
  [["measure code", "Quantity committed"]],
  [["Measure", "Committed"]],
])("forgiving headers: %j", (header) => {
  const table = commitmentsFromRows([header, ["E1", 3]], PACK);
  expect(table.problems).toEqual([]);
  expect(table.rows.map((r) => r.commitment)).toEqual([{ measureCode: "E1", quantity: 3 }]);
});

test("a title above the header row is skipped, and rows are counted from the top of the selection", () => {
  const table = commitmentsFromRows([["Commitments for C-1001"], [], ["Ref", "Qty"], ["J1", 1], ["", ""], ["J2", "x"]], PACK);
  expect(table.rows.map((r) => r.row)).toEqual([4]);
  expect(table.problems).toEqual([{ path: ["commitments", 6, "quantity"], row: 6, column: "Qty", message: '"x" is not a number' }]);
});

test("\"Measure\" holds descriptions in the TOMs layout, so a Ref column wins over it", () => {
  const table = commitmentsFromRows([["Ref", "Measure", "Quantity"], ["J1", "Local people employed", 1]], PACK);
  expect(table.rows.map((r) => r.commitment.measureCode)).toEqual(["J1"]);
});

test("every problem is listed with its row, column and why", () => {
  expect(
    described([
      ["Code", "Quantity", "Supplier"],
      ["J1", 1, "Acme"],
      ["NT99", 1, ""],
      ["J2", -3, ""],
      ["J3", "lots", ""],
      ["", 4, ""],
      ["j1", 2, " acme "],
      ["J1", 2, "Other Ltd"],
      ["J4", "", ""],
      ["J5", true, ""],
    ]),
  ).toEqual([
    'row 3, column "Code": measure "NT99" is not in pack example 2026-illustrative, the contract\'s pack',
    'row 4, column "Quantity": -3 is negative; a committed quantity cannot be negative',
    'row 5, column "Quantity": "lots" is not a number',
    'row 6, column "Code": no measure code',
    'row 7, column "Code": J1 is committed twice for acme (first on row 2); keep one row and add the quantities up',
    'row 9, column "Quantity": no quantity; write the quantity committed, or 0',
    'row 10, column "Quantity": TRUE is not a quantity',
  ]);
});

test("the same measure without a supplier twice is a duplicate too", () => {
  expect(described([["Code", "Quantity"], ["E1", 1], ["E1", 2]])).toEqual([
    'row 3, column "Code": E1 is committed twice (first on row 2); keep one row and add the quantities up',
  ]);
});

test("rows with problems are left out of what would be saved", () => {
  const table = commitmentsFromRows([["Code", "Quantity"], ["J1", 1], ["J2", -1]], PACK);
  expect(table.rows.map((r) => r.commitment.measureCode)).toEqual(["J1"]);
  expect(table.total).toBe(25000);
});

test("a table without a code or a quantity column says which headers it looks for", () => {
  expect(described([["Name", "Amount"], ["J1", 1]])).toEqual([
    "row 1: no header row with a measure code (Measure ref, Code or Ref) column and a quantity (Quantity, Committed, Target or Qty) column in the first 10 rows",
  ]);
  expect(described([])).toHaveLength(1);
});

test("two columns that both look like the quantity must be told apart", () => {
  expect(described([["Code", "Target", "Committed"], ["J1", 1, 2]])).toEqual([
    'row 1, column "Committed": both "Target" and "Committed" look like the quantity (Quantity, Committed, Target or Qty) column; rename one',
  ]);
});

test("a header with nothing below it is a problem, not an empty list to save", () => {
  expect(described([["Code", "Quantity"], ["", ""]])).toEqual(["row 2: the table has a header row but no commitments below it"]);
});

test("over-long suppliers and notes are refused as the API would", () => {
  expect(described([["Code", "Quantity", "Supplier", "Note"], ["J1", 1, "x".repeat(201), "y".repeat(1001)]])).toEqual([
    'row 2, column "Supplier": the supplier\'s name is 201 characters long; at most 200',
    'row 2, column "Note": the note is 1001 characters long; at most 1000',
  ]);
});

test("more commitments than a contract holds is refused before sending", () => {
  const rows: unknown[][] = [["Code", "Quantity", "Supplier"]];
  for (let i = 0; i <= MAX_COMMITMENTS; i++) rows.push(["J1", 1, `Supplier ${i}`]);
  expect(described(rows)).toEqual([`${MAX_COMMITMENTS + 1} commitments is more than a contract can hold (${MAX_COMMITMENTS}); split the table or combine rows`]);
});
