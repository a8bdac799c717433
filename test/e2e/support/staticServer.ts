import { createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** What the built add-in is made of; anything else is not served. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves a folder (the built add-in) over http on loopback, as a web server would host dist/.
 * Paths that leave the folder, and unknown file types, are 404.
 */
export async function serveFolder(root: string): Promise<StaticServer> {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const notFound = () => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not found");
    };
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let file: string;
    try {
      file = path.resolve(base, `.${decodeURIComponent(url.pathname)}`);
    } catch {
      return notFound();
    }
    const type = TYPES[path.extname(file)];
    if (!file.startsWith(`${base}${path.sep}`) || !type || (req.method !== "GET" && req.method !== "HEAD")) return notFound();
    fs.stat(file).then(
      (stat) => {
        if (!stat.isFile()) return notFound();
        res.writeHead(200, { "content-type": type, "content-length": stat.size, "cache-control": "no-store" });
        if (req.method === "HEAD") return res.end();
        createReadStream(file)
          .on("error", (err) => res.destroy(err))
          .pipe(res);
      },
      () => notFound(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
