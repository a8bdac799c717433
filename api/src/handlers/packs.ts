import { FrameworkPackSchema, PACK_ID } from "../../../shared";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { conflict, invalid, notFound } from "../http/errors";
import { json } from "../http/respond";
import { actorOf } from "./principal";

/** Licensed packs can run to hundreds of measures; they get a larger cap than ordinary bodies. */
const MAX_PACK_BYTES = 1024 * 1024;

/** GET /api/packs: the bundled example first, then the packs officers uploaded. */
export const listPacks: Handler = async ({ deps }) => json(200, { items: await deps.packs.list() });

/** GET /api/packs/{id}?edition=: one pack with its measures; without an edition, the latest uploaded. */
export const getPack: Handler = async ({ request, deps }) => {
  const id = request.params.id ?? "";
  if (!PACK_ID.test(id)) throw invalid(`"${id}" is not a pack id.`, [{ path: ["id"], message: "a pack id is lower-case letters, digits and dashes" }]);
  const query = queryObject(request);
  const unknown = Object.keys(query).filter((k) => k !== "edition");
  if (unknown.length > 0) throw invalid(`Unknown query parameter ${unknown.join(", ")}.`, unknown.map((k) => ({ path: [k], message: "not a parameter of this route" })));
  const edition = query.edition ?? (await deps.packs.latestEdition(id));
  const pack = edition === undefined ? undefined : await deps.packs.get(id, edition);
  if (!pack) throw notFound(`There is no framework pack ${id}${query.edition ? ` edition ${query.edition}` : ""}.`);
  return json(200, pack.pack);
};

/** POST /api/packs: validated, then stored once; a stored id + edition never changes. */
export const uploadPack: Handler = async ({ request, deps, principal }) => {
  const pack = parseWith(FrameworkPackSchema, await readJson(request, MAX_PACK_BYTES), "The framework pack");
  if (deps.packs.isBundled(pack.id)) throw conflict("pack-exists", `The pack id "${pack.id}" belongs to the bundled example pack; choose another id.`);
  const added = await deps.packs.add(pack, actorOf(principal), deps.clock.now().toISOString());
  if (!added) {
    throw conflict("pack-exists", `Pack ${pack.id} edition ${pack.edition} is already stored and never changes (stored values depend on it). Upload changed values as a new edition.`);
  }
  return json(201, pack, { location: `/api/packs/${pack.id}?edition=${encodeURIComponent(pack.edition)}` });
};
