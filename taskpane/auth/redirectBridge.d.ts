/**
 * @azure/msal-browser 5 serves this entry point through package.json "exports", which the
 * project's commonjs module resolution (tsconfig) does not read; webpack and jest do.
 * Signature from the package's types/redirect_bridge/index.d.ts.
 */
declare module "@azure/msal-browser/redirect-bridge" {
  export function broadcastResponseToMainFrame(): Promise<void>;
}
