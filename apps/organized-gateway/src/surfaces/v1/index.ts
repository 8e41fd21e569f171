/**
 * `ANY /v1/*`: the OpenAI-compatible surface of the pipeline (pipeline/index.ts runs the
 * steps). Callers identify with a gateway key, a BYOK key with X-User-ID, or nothing
 * (pipeline/identify/); the endpoint is one of route/endpoints.ts's; the body goes to the
 * node as the route rewrites it, and the answer comes back as the node gave it — except:
 * - on an OpenClaw node, chat and Responses requests are shaped into what OpenClaw accepts and
 *   their answers given back in the client's terms (route/openclaw-shape/: clashing tool
 *   names renamed and renamed back, custom and namespace tools converted, refused Responses
 *   fields dropped);
 * - each tool conversation names its own session (route/conversation.ts);
 * - the model list covers the whole pool.
 */
import { modelCall, type Surface } from "../../pipeline";
import { identify } from "../../pipeline/identify";
import { conversationOf } from "../../pipeline/route/conversation";
import { matchEndpoint } from "../../pipeline/route/endpoints";
import { onlyCallersModels, withPoolModels } from "../../pipeline/route/models";
import { answerReshaperOf, shapeBodyForOpenClaw } from "../../pipeline/route/openclaw-shape";
import { reshapeAnswer } from "../../pipeline/route/openclaw-shape/reshape-answer";
import { servingNodes } from "../../pipeline/route/pool";

/** Request headers a caller may send upstream. */
const FORWARDED_HEADERS = ["content-type", "accept", "user-agent", "openai-beta", "openai-organization", "openai-project"];

export const v1Surface: Surface = {
  identify: (request, config) => identify(request.headers, config),
  endpoint: (request, url) => ({ endpoint: matchEndpoint(request.method, url.pathname), path: url.pathname }),
  forwardedHeaders: FORWARDED_HEADERS,
  conversation: (json, request) => conversationOf(new URL(request.url).pathname === "/v1/responses" ? "response" : "chat", request.headers, json),
  shapeRequest: (json, node, asked) => (node.strategy.shapesForAgent ? shapeBodyForOpenClaw(asked.endpoint.kind, json) : json),
  // On OpenClaw, chat and Responses answers go back in the client's terms. The model list
  // covers the whole pool (what the attendee's node serves, and every model route), and never
  // another attendee's own agent (OpenClaw lists every agent it has).
  shapeResponse: async (response, { asked, table, principal, session, ownAgent, sent }) => {
    const reshaper = answerReshaperOf(sent);
    if (reshaper) return reshapeAnswer(response, reshaper);
    if (asked.endpoint.kind !== "models") return response;
    const listed = table.routesByModel ? await withPoolModels(response, servingNodes(table.upstreams, principal.userId), principal, session) : response;
    return onlyCallersModels(asked.path, listed, ownAgent);
  },
};

export const proxyV1 = modelCall(v1Surface);
