import type { HttpResponseInit } from "@azure/functions";
import { plural } from "../../../shared";
import type { IngestionResult } from "../../../shared";
import type { Deps } from "../deps";
import { decodeUtf8, MAX_BODY_BYTES, parseJsonText, readBytes, requireJsonContentType } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure } from "../http/errors";
import { json } from "../http/respond";
import { ingestSubmission, quarantine } from "../ingest/ingestion";
import type { Arrival, IngestOutcome } from "../ingest/ingestion";

function result(status: 200 | 201, body: IngestionResult): HttpResponseInit {
  return json(status, body, { location: `/api/contributions/${body.id}` });
}

/** 201/200 for a submission taken in; 400 with every problem (and the quarantine id) for one refused; 409 when it should be sent again. */
function answer(outcome: IngestOutcome): HttpResponseInit {
  if (outcome.kind === "accepted") return result(outcome.status, outcome.result);
  if (outcome.kind === "busy") throw new ApiFailure(409, "busy", outcome.message);
  throw new ApiFailure(
    400,
    "invalid-submission",
    `The submission was not accepted (${plural(outcome.problems.length, "problem")}); it is kept in quarantine for an officer to see.`,
    outcome.problems,
    { "x-quarantine-id": outcome.id },
  );
}

/**
 * POST /api/forms/responses. The order matters: the secret was checked by the route's access rule;
 * then size (413), content type (415), the raw body into the inbox, and only then validation, so
 * a submission is never lost, even one that is refused.
 */
export const receiveFormResponse: Handler = async ({ request, deps }) => {
  const bytes = await readBytes(request, MAX_BODY_BYTES);
  const contentType = requireJsonContentType(request);
  // Storage is first needed here, after the checks that need none (the route prepares it no earlier).
  await deps.ready();
  return answer(await ingestBody(deps, bytes, contentType));
};

async function ingestBody(deps: Deps, bytes: Uint8Array, contentType: string): Promise<IngestOutcome> {
  const text = decodeUtf8(bytes);
  const raw = text ?? Buffer.from(bytes).toString("base64");
  const inbox = await deps.store.storeRaw({ receivedAt: deps.clock.now().toISOString(), contentType, body: raw, encoding: text === undefined ? "base64" : "utf8" });
  const arrival: Arrival = { inbox, contentType, raw };

  if (text === undefined) return quarantine(deps, arrival, [{ path: [], message: "the body is not valid UTF-8 text" }]);
  const parsedJson = parseJsonText(text);
  if (!parsedJson.ok) return quarantine(deps, arrival, [{ path: [], message: parsedJson.message }]);
  arrival.parsed = parsedJson.value;
  return ingestSubmission(deps, arrival);
}
