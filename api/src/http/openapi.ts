import { z } from "zod";
import { ApiErrorSchema } from "../../../shared";
import type { RouteSpec } from "./dispatch";

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // Transforms (quantities as text, dates in Forms' format) describe what is sent, so requests use the input side.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function queryParameters(query: z.ZodType): JsonSchema[] {
  const schema = schemaOf(query, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: (schema.required ?? []).includes(name),
    schema: property,
  }));
}

const jsonContent = (schema: z.ZodType) => ({ "application/json": { schema: schemaOf(schema, "output") } });
const errorResponse = (description: string) => ({ description, content: jsonContent(ApiErrorSchema) });

/**
 * Where the API is: the Function App in Azure, named by the deployment. Every path starts with
 * /api; the local host (npm start) serves the same paths on port 7071.
 */
const SERVERS = [
  {
    url: "https://{functionApp}.azurewebsites.net",
    description: "The council's Function App",
    variables: { functionApp: { default: "func-svl", description: "The Function App's name, from the deployment" } },
  },
];

/** The OpenAPI 3.1 description of the route table, with every body and answer generated from the zod schemas in shared/. */
export function buildOpenApi(routes: readonly RouteSpec[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operations = route.methods.filter((m) => m !== "OPTIONS");
    if (operations.length === 0) continue;
    const path = `/api/${route.route}`;
    const pathParameters = [...route.route.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const security =
      route.access.kind === "roles" ? [{ entra: [] }] : route.access.kind === "ingest-secret" ? [{ ingestSecret: [], functionKey: [] }] : [];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      // Every refusal has the API's error body, unless the route names a more exact one.
      const content = response.contentType
        ? { [response.contentType]: { schema: { type: "string" } } }
        : response.schema
          ? jsonContent(response.schema)
          : Number(status) >= 400
            ? jsonContent(ApiErrorSchema)
            : undefined;
      responses[status] = {
        description: response.description,
        ...(content ? { content } : {}),
        ...(response.headers ? { headers: Object.fromEntries(response.headers.map((h) => [h, { schema: { type: "string" } }])) } : {}),
      };
    }
    if (route.query || route.body || pathParameters.length > 0) {
      responses["400"] ??= errorResponse(`The ${[route.body ? "body" : "", route.query ? "query" : "", pathParameters.length > 0 ? "path" : ""].filter(Boolean).join(" or ")} is not valid; details name each field`);
    }
    if (route.access.kind !== "anonymous") responses["401"] ??= errorResponse("Not signed in, or the shared secret is missing or wrong");
    if (route.access.kind === "roles") responses["403"] ??= errorResponse(`Needs the ${route.access.roles.join(" or ")} role`);
    if (route.usesStorage) responses["503"] ??= errorResponse("Storage is unreachable; nothing was completed, try again");
    for (const method of operations) {
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = {
        operationId: route.name,
        summary: route.summary,
        security,
        ...(route.access.kind === "roles" ? { "x-roles": route.access.roles } : {}),
        parameters: [...pathParameters, ...(route.query ? queryParameters(route.query) : [])],
        ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(route.body, "input") } } } } : {}),
        responses,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Social Value Ledger API",
      version: "1",
      description: "Contracts, commitments and delivered social value (National TOMs measures) for UK public bodies. Errors are {error:{code,message,details?}}.",
      // Not open source (package.json: UNLICENSED); SPDX's way to name a licence of one's own.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: SERVERS,
    paths,
    components: {
      securitySchemes: {
        entra: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Entra ID access token for the API; app roles Officer and Manager" },
        ingestSecret: { type: "apiKey", in: "header", name: "x-ingest-secret", description: "Shared secret of the Power Automate flow" },
        functionKey: { type: "apiKey", in: "header", name: "x-functions-key", description: "Azure Functions function key (Azure only)" },
      },
    },
  };
}
