/** @jest-environment jsdom */
import { act, renderHook } from "@testing-library/react";
import { useLoad } from "../../taskpane/apiClient";
import type { Loaded } from "../../taskpane/apiClient";

/** A hook under test whose loads wait until the test answers them, recording what every render saw. */
function loadsByKey() {
  const answers = new Map<string, { resolve: (value: string) => void; signal: AbortSignal }>();
  const renders: { key: string; state: Loaded<string> }[] = [];
  const hook = renderHook(
    ({ id }: { id: string }) => {
      const load = useLoad(id, (signal) => new Promise<string>((resolve) => answers.set(id, { resolve, signal })));
      renders.push({ key: id, state: load.state });
      return load;
    },
    { initialProps: { id: "C-1001" } },
  );
  const answer = async (id: string, value: string) => {
    await act(async () => answers.get(id)?.resolve(value));
  };
  return { hook, answers, renders, answer };
}

test("the render in which the key changes already shows loading, never the previous key's data", async () => {
  const { hook, renders, answer } = loadsByKey();
  await answer("C-1001", "ledger of C-1001");
  expect(hook.result.current.state).toEqual({ status: "ok", data: "ledger of C-1001" });

  hook.rerender({ id: "C-2002" });
  const forNewKey = renders.filter((r) => r.key === "C-2002");
  expect(forNewKey.length).toBeGreaterThan(0);
  expect(forNewKey.map((r) => r.state.status)).toEqual(forNewKey.map(() => "loading"));
});

test("a slow answer for an earlier key is cancelled and never lands on a later one", async () => {
  const { hook, answers, answer } = loadsByKey();
  hook.rerender({ id: "C-2002" });
  expect(answers.get("C-1001")?.signal.aborted).toBe(true);
  await answer("C-2002", "ledger of C-2002");
  await answer("C-1001", "ledger of C-1001");
  expect(hook.result.current.state).toEqual({ status: "ok", data: "ledger of C-2002" });
});

test("unmounting cancels the load in flight", () => {
  const { hook, answers } = loadsByKey();
  hook.unmount();
  expect(answers.get("C-1001")?.signal.aborted).toBe(true);
});
