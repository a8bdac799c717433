import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { seedExampleData } from "../../../scripts/seed";
import { client, startHost, testApp } from "../../support/harness";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "../../..");

describe("the local stack's example data", () => {
  it("creates C-1001 with contributions in every evidence state, some overdue, once", async () => {
    const app = await testApp();
    expect(await seedExampleData(app.deps)).toBe("seeded");
    expect(await seedExampleData(app.deps)).toBe("already");
    const host = await startHost(app.deps);
    try {
      const api = client(host.url, { authorization: `Bearer ${await app.token({ roles: ["Manager"] })}` });
      const all = await api("GET", "/api/contributions?contractId=C-1001&pageSize=1000");
      expect(all.body.items).toHaveLength(10);
      expect(new Set(all.body.items.map((c: { evidenceStatus: string }) => c.evidenceStatus))).toEqual(new Set(["missing", "submitted", "accepted", "rejected"]));
      expect(new Set(all.body.items.map((c: { supplier: string }) => c.supplier)).size).toBe(4);
      const overdue = await api("GET", "/api/contributions?overdue=true");
      expect(overdue.body.items.length).toBeGreaterThanOrEqual(2);
      const contract = await client(host.url, { authorization: `Bearer ${await app.token()}` })("GET", "/api/contracts/C-1001");
      expect(contract.body).toMatchObject({ packId: "example", commitments: expect.arrayContaining([expect.objectContaining({ measureCode: "J1" })]) });
    } finally {
      await host.close();
    }
  });
});

describe("npm run dev-token", () => {
  it("prints a token the API accepts, with the roles asked for", async () => {
    const app = await testApp();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/dev-token.ts", "--role", "Officer,Manager", "--email", "someone@example.org"], {
      cwd: ROOT,
      env: { ...process.env, AUTH_MODE: "dev", AUTH_DEV_DIR: app.issuerDir },
      timeout: 30_000,
    });
    const principal = await app.deps.auth.verify(stdout.trim());
    expect(principal).toMatchObject({ email: "someone@example.org", roles: ["Officer", "Manager"] });
  });

  it("refuses an unknown role", async () => {
    const app = await testApp();
    await expect(
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/dev-token.ts", "--role", "Admin"], { cwd: ROOT, env: { ...process.env, AUTH_MODE: "dev", AUTH_DEV_DIR: app.issuerDir }, timeout: 30_000 }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/Unknown role Admin/) });
  });
});
