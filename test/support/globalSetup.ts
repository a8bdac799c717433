import { startAzurite } from "../../scripts/azurite";
import type { RunningAzurite } from "../../scripts/azurite";

/** One in-memory Azurite on a free loopback port for the whole jest run; each test file uses its own table prefix. */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  process.env.SVL_TEST_STORAGE = azurite.connectionString;
  process.env.SVL_TEST_AZURITE_PID = String(azurite.pid);
  (globalThis as { __AZURITE__?: RunningAzurite }).__AZURITE__ = azurite;
}
