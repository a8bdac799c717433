import path from "node:path";

/**
 * A stand-in for `@azure/functions-core`, the module the Functions host's Node worker provides.
 * With it present, `@azure/functions` leaves its test mode and really registers what `app.http`
 * and `app.timer` are given; this records each registration in `registry`. Use it from a test
 * file's mock factory, which jest calls lazily (at the first registration), so the registry the
 * factory names is the test file's own even inside jest.isolateModules:
 *
 *   const registry: Record<string, Registered<HttpHandler>> = {};
 *   jest.mock("@azure/functions-core", () => fakeFunctionsCore(registry), { virtual: true });
 */

export interface Binding {
  type: string;
  direction: string;
  methods?: string[];
  route?: string;
  authLevel?: string;
  schedule?: string;
}

export interface Registered<H> {
  meta: { name: string; bindings: Record<string, Binding> };
  handler: H;
}

export function fakeFunctionsCore<H>(registry: Record<string, Registered<H>>) {
  return {
    setProgrammingModel: jest.fn(),
    registerFunction: jest.fn((meta: Registered<H>["meta"], handler: H) => {
      registry[meta.name] = { meta, handler };
      return { dispose: () => undefined };
    }),
    registerHook: jest.fn(() => ({ dispose: () => undefined })),
    log: jest.fn(),
  };
}

/** The Functions app's one registration module: it registers every route and every timer. */
export const REGISTRATION_MODULE = path.join(__dirname, "../../api/src/app/register.ts");

/**
 * Loads the Functions app (its registration module) as the Functions host would, with `env` over
 * the process's settings (and `unset` removed) for as long as the caller keeps them: call the
 * returned function to restore the environment. If loading throws, the environment is restored at once.
 */
export function loadFunctionsApp(env: Record<string, string>, unset: readonly string[] = []): () => void {
  const saved = { ...process.env };
  for (const name of unset) delete process.env[name];
  Object.assign(process.env, env);
  const restore = () => {
    process.env = saved;
  };
  try {
    jest.isolateModules(() => {
      // jest.isolateModules is synchronous, so the app is loaded with require, as the host loads it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(REGISTRATION_MODULE);
    });
  } catch (e) {
    restore();
    throw e;
  }
  return restore;
}
