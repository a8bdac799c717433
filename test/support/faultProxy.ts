import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP proxy in front of Azurite that lets a test cut storage off after a given number of
 * requests: later requests have their connection destroyed, as when the storage account drops
 * off the network mid-request. `heal()` restores it.
 */
export interface FaultProxy {
  port: number;
  /** Requests forwarded so far. */
  forwarded(): number;
  /** Let `n` more requests through, then fail every request until heal(). */
  failAfter(n: number): void;
  heal(): void;
  /**
   * Until heal(), answer every request that `match` picks with `status` and a Table service error
   * body, as the service does when it refuses what it is sent (400 InvalidInput) or fails (500).
   */
  refuse(match: (method: string, path: string) => boolean, status: number, code: string): void;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let count = 0;
  let budget = Infinity;
  let refusal: { match: (method: string, path: string) => boolean; status: number; code: string } | undefined;
  const server = http.createServer((req, res) => {
    if (budget <= 0) {
      req.socket.destroy();
      return;
    }
    if (refusal?.match(req.method ?? "GET", req.url ?? "/")) {
      const { status, code } = refusal;
      count++;
      req.resume();
      const body = JSON.stringify({ "odata.error": { code, message: { lang: "en-US", value: `${code}: refused by the test's fault proxy` } } });
      res.writeHead(status, { "content-type": "application/json;odata=minimalmetadata", "x-ms-error-code": code, "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    budget--;
    count++;
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    forwarded: () => count,
    failAfter: (n) => {
      budget = n;
    },
    heal: () => {
      budget = Infinity;
      refusal = undefined;
    },
    refuse: (match, status, code) => {
      refusal = { match, status, code };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The port of the test Azurite, from its connection string. */
export function portOf(connectionString: string): number {
  const m = /TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)\//.exec(connectionString);
  if (!m?.[1]) throw new Error(`No loopback TableEndpoint in ${connectionString}`);
  return Number(m[1]);
}
