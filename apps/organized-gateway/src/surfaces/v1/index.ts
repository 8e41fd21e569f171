/**
 * `ANY /v1/*`: the OpenAI-compatible surface of the pipeline (pipeline/index.ts runs the
 * steps). Callers identify with a gateway key, a BYOK key with X-User-ID, or nothing
 * (pipeline/identify/); the endpoint is one of route/endpoints.ts's; the body goes to the
 * node as the route rewrites it, and the answer comes back as the node gave it — except the
 * model list, which covers the whole pool.
 */
import { modelCall, type Surface } from "../../pipeline";
import { identify } from "../../pipeline/identify";
import { matchEndpoint } from "../../pipeline/route/endpoints";
import { onlyCallersModels, withPoolModels } from "../../pipeline/route/models";

/** Request headers a caller may send upstream. */
const FORWARDED_HEADERS = ["content-type", "accept", "user-agent", "openai-beta", "openai-organization", "openai-project"];

export const v1Surface: Surface = {
  identify: (request, config) => identify(request.headers, config),
  endpoint: (request, url) => ({ endpoint: matchEndpoint(request.method, url.pathname), path: url.pathname }),
  forwardedHeaders: FORWARDED_HEADERS,
  // The model list covers the whole pool (what the attendee's node serves, and every model
  // route), and never another attendee's own agent (OpenClaw lists every agent it has).
  shapeResponse: async (response, { asked, table, principal, session, ownAgent }) => {
    if (asked.endpoint.kind !== "models") return response;
    const listed = table.routesByModel ? await withPoolModels(response, table.upstreams, principal, session) : response;
    return onlyCallersModels(asked.path, listed, ownAgent);
  },
};

export const proxyV1 = modelCall(v1Surface);
