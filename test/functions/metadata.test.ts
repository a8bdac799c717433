import { FUNCTION_IDS, readDist } from "./dist";

/*
 * The contract with Excel: dist/functions.json as custom-functions-metadata-plugin generated it
 * from the JSDoc in functions/functions.ts. Workbooks keep formulas by these ids and argument
 * positions, so any change here must be deliberate.
 */

interface Parameter {
  name: string;
  description?: string;
  type?: string;
  dimensionality?: string;
  optional?: boolean;
}

interface FunctionMetadata {
  id: string;
  name: string;
  description?: string;
  parameters: Parameter[];
  result: { type?: string; dimensionality?: string };
  options?: Record<string, boolean>;
}

/** name:type, with "[]" for a range and "?" for optional; "any" is how the JSON says nothing. */
function signature(f: FunctionMetadata): string {
  const parameter = (p: Parameter) => `${p.name}:${p.type ?? "any"}${p.dimensionality === "matrix" ? "[]" : ""}${p.optional ? "?" : ""}`;
  const result = `${f.result.type ?? "any"}${f.result.dimensionality === "matrix" ? "[]" : ""}`;
  return `${f.id}(${f.parameters.map(parameter).join(", ")}): ${result}`;
}

const SIGNATURES = [
  "PROXY(code:string, measures:any[]?): number",
  "VALUE(code:string, quantity:number, measures:any[]?): number",
  "UNIT(code:string, measures:any[]?): string",
  "DESCRIPTION(code:string, measures:any[]?): string",
  "THEME(code:string, measures:any[]?): string",
  "TOTAL(codes:any[], quantities:any[], measures:any[]?): number",
  "BYTHEME(codes:any[], quantities:any[], measures:any[]?): any[]",
  "MEASURES(theme:string?, measures:any[]?): any[]",
  "RATIO(socialValue:number, contractValue:number): number",
  "PV(amounts:any[], rate:number?): number",
  "SCORE(bid:number, bids:any[], maxPoints:number): number",
  "EXPECTED(committed:number, start:any, end:any, asOf:any?): number",
  "PACK(measures:any[]?): string",
  "WARNINGS(measures:any[]): string",
  "DELIVERED(contract:string, code:string?): number",
  "OVERDUE(contract:string): number",
  "KPIRATING(kpis:any[], kpi:string): string",
];

let functions: FunctionMetadata[];

beforeAll(() => {
  const metadata = JSON.parse(readDist("functions.json")) as { functions: FunctionMetadata[] };
  functions = metadata.functions;
});

test("lists exactly the =TOMS.* functions, by their pinned ids", () => {
  expect(functions.map((f) => f.id)).toEqual([...FUNCTION_IDS]);
  for (const f of functions) expect(f.name).toBe(f.id);
});

test("every function has its parameters, types, ranges and optional flags", () => {
  expect(functions.map(signature)).toEqual(SIGNATURES);
});

test("every valuing function takes an optional measures range last", () => {
  const valuing = ["PROXY", "VALUE", "UNIT", "DESCRIPTION", "THEME", "TOTAL", "BYTHEME", "MEASURES", "PACK"];
  for (const f of functions.filter((f) => valuing.includes(f.id))) {
    expect(f.parameters.at(-1)).toMatchObject({ name: "measures", dimensionality: "matrix", optional: true, type: "any" });
  }
});

test("only EXPECTED is volatile (it measures to today); nothing streams or needs an address", () => {
  // DELIVERED and OVERDUE ask the API: volatile, they would send a request at every edit.
  for (const f of functions) {
    expect(f.options ?? {}).toEqual(f.id === "EXPECTED" ? { volatile: true } : {});
  }
});

test("every function and parameter is described for Excel's formula help", () => {
  for (const f of functions) {
    expect(f.description?.trim()).toBeTruthy();
    for (const p of f.parameters) expect(`${f.id}.${p.name}: ${p.description?.trim() ?? ""}`).not.toMatch(/: $/);
  }
});
