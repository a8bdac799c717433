import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export function azuriteConnectionString(port: number, host = "127.0.0.1"): string {
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};TableEndpoint=http://${host}:${port}/${ACCOUNT};`;
}

export interface RunningAzurite {
  port: number;
  pid: number;
  connectionString: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function portIsOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** A free loopback port (the OS picks it; it is released for Azurite to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Azurite's Table service by spawning node on its entry file directly, so the PID we hold is
 * Azurite itself (killing an npx wrapper would orphan it). In memory, or on disk under `location`.
 */
export async function startAzurite(options: { port?: number; location?: string; root?: string; timeoutMs?: number } = {}): Promise<RunningAzurite> {
  const root = options.root ?? path.resolve(__dirname, "..");
  const port = options.port ?? (await freePort());
  if (await portIsOpen(port)) throw new Error(`Port ${port} is already in use; stop whatever holds it (another Azurite?) or choose another port.`);
  const args = [path.join(root, "node_modules/azurite/dist/src/table/main.js"), "--tableHost", "127.0.0.1", "--tablePort", String(port), "--silent", "--disableTelemetry", "--skipApiVersionCheck"];
  // --inMemoryPersistence and --location together make Azurite exit(1); use one or the other.
  args.push(...(options.location ? ["--location", options.location] : ["--inMemoryPersistence"]));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], cwd: root });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const started = Date.now();
  while (!(await portIsOpen(port))) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode} before opening port ${port}: ${stderr.trim()}`);
    if (Date.now() - started > (options.timeoutMs ?? 15_000)) {
      child.kill("SIGTERM");
      throw new Error(`Azurite did not open port ${port} within ${options.timeoutMs ?? 15_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid ?? 0;
  return {
    port,
    pid,
    connectionString: azuriteConnectionString(port),
    child,
    // SIGINT, not SIGTERM: Azurite's Table service saves its store on SIGINT only; SIGTERM ends it at
    // once and loses what it acknowledged since its last autosave (up to 5 s, see README "Local data").
    stop: () => stopChild(child, "SIGINT", 15_000),
  };
}

/** A signal (SIGTERM unless told) to that one PID, then wait for it to exit (SIGKILL after `graceMs`, 5 s). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
