/**
 * The attendee's own agent on an OpenClaw host, set up through OpenClaw's admin RPC over
 * HTTP (the bundled `admin-http-rpc` plugin, `POST /api/v1/admin/rpc` with the operator
 * token): one `config.patch` adds (or updates) a model provider whose base URL is this
 * gateway's relay and whose apiKey is the attendee's relay token, and an agent whose only
 * model is that provider's. OpenClaw hot-applies it in about two seconds, no restart. Writes
 * to one host go one at a time, many attendees per write (agent-roster.ts): OpenClaw
 * refuses a patch made on a stale read and allows 30 config writes a minute.
 *
 * The agent's model is strict (a string: no fallbacks to the operator's models) and its
 * utility model is off (`""`), so no call made for the attendee's turns — titles included —
 * goes to a provider that is not the relay. A rotation writes a new provider entry (new id,
 * new relay token), points the agent at it and deletes the previous one. The host's one-time
 * set-up (host-setup.ts) turns the plugin on and allows a multi-agent roster.
 */
import type { UpstreamNode } from "../settings/config";
import { type GatewayError, refusal, retryAfterHeaders } from "../errors";
import { KINDS, type CredentialKind } from "./kinds";
import { ownValue } from "../shared/own-key";

export interface AgentSpec {
  agentId: string;
  /** This registration's provider entry (names.ts), and the previous registration's, which goes. */
  providerId: string;
  previousProviderId: string | null;
  /**
   * Other provider entries of this agent the host still holds (read from its config at write
   * time): a credential deleted and then registered again leaves no "previous" to name, yet
   * its entry must go with its dead relay token all the same.
   */
  strayProviderIds?: readonly string[];
  kind: CredentialKind;
  /** The relay's address for this kind, as OpenClaw will call it (`<gateway>/relay/<kind>`). */
  relayBaseUrl: string;
  relayToken: string;
}

const RPC_PATH = "/api/v1/admin/rpc";
const RPC_TIMEOUT_MS = 20_000;
const ATTEMPTS = 3;
/** OpenClaw rate-limits config writes (30 a minute per method); a short wait is worth it, a long one is the caller's. */
const MAX_WAIT_MS = 5_000;

type Json = Record<string, unknown>;

/** The provider entry and agent entry one spec writes, and the earlier providers it removes. */
function entriesOf(spec: AgentSpec) {
  const kind = KINDS[spec.kind];
  return {
    provider: {
      baseUrl: spec.relayBaseUrl,
      apiKey: spec.relayToken,
      api: kind.openclawApi,
      models: [{ id: kind.model, name: `${kind.model} (the attendee's own account)` }],
    },
    agent: { model: `${spec.providerId}/${kind.model}`, utilityModel: "" },
    earlier: [...new Set([spec.previousProviderId, ...(spec.strayProviderIds ?? [])])]
      .filter((id): id is string => id !== null && id !== spec.providerId),
  };
}

/** The provider entries of this spec's agent on the host other than the one it writes: what earlier registrations left there. */
export function strayProviderIds(spec: Pick<AgentSpec, "agentId" | "providerId">, config: Json | undefined): string[] {
  const models = (config?.models as Json | undefined)?.providers as Record<string, Json | undefined> | undefined;
  if (!models) return [];
  // relayProviderId (names.ts): the agent's id, a dash, the relay token's last 8 hex digits.
  const ofAgent = new RegExp(`^${spec.agentId.replace(/[^A-Za-z0-9]/g, "\\$&")}-[0-9a-f]{8}$`);
  return Object.keys(models).filter((id) => ofAgent.test(id) && id !== spec.providerId);
}

/** True when the host's config already gives this spec's agent exactly this provider: nothing to write. */
export function alreadyInPlace(spec: AgentSpec, config: Json | undefined): boolean {
  const { provider, agent, earlier } = entriesOf(spec);
  const models = (config?.models as Json | undefined)?.providers as Record<string, Json | undefined> | undefined;
  const agents = (config?.agents as Json | undefined)?.entries as Record<string, Json | undefined> | undefined;
  const present = models && ownValue(models, spec.providerId);
  const current = agents && ownValue(agents, spec.agentId);
  return current?.model === agent.model && current?.utilityModel === ""
    && present?.baseUrl === provider.baseUrl && present?.api === provider.api
    && (!models || earlier.every((id) => ownValue(models, id) === undefined));
}

/**
 * One config patch that gives every attendee of `specs` their agent (later specs win for the
 * same agent), and the array paths it removes. A provider entry written and replaced within
 * the same batch (a rotation twice in a row) never reaches the host.
 */
export function agentsPatch(specs: readonly AgentSpec[]): { patch: Json; replacePaths: string[] } {
  const providers = new Map<string, Json | null>();
  const agents = new Map<string, Json>();
  const added = new Set<string>();
  for (const spec of specs) {
    const { provider, agent, earlier } = entriesOf(spec);
    for (const previous of earlier) {
      if (added.has(previous)) {
        providers.delete(previous);
        added.delete(previous);
      } else {
        // null deletes (JSON merge patch): the old entry and its dead relay token leave the host.
        providers.set(previous, null);
      }
    }
    providers.set(spec.providerId, provider);
    added.add(spec.providerId);
    agents.set(spec.agentId, agent);
  }
  // Deleting an entry that holds an array must be named, or OpenClaw refuses the patch.
  const replacePaths = [...providers].filter(([, entry]) => entry === null).map(([id]) => `models.providers.${id}.models`);
  // Object.fromEntries defines own properties, so no id can reach a prototype.
  return { patch: { models: { providers: Object.fromEntries(providers) }, agents: { entries: Object.fromEntries(agents) } }, replacePaths };
}

interface RpcAnswer {
  status: number;
  ok: boolean;
  payload?: Record<string, unknown>;
  error?: { code?: string; message?: string; retryAfterMs?: number };
}

type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

async function rpc(node: UpstreamNode, method: string, params: unknown, fetcher: Fetcher): Promise<RpcAnswer> {
  let response: Response;
  try {
    response = await fetcher(`${node.url}${RPC_PATH}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${node.token}`,
        "content-type": "application/json",
        ...(node.access ? { "cf-access-client-id": node.access.clientId, "cf-access-client-secret": node.access.clientSecret } : {}),
      },
      body: JSON.stringify({ method, params }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
  } catch {
    throw hostUnreachable(node);
  }
  const text = await response.text();
  let body: Partial<RpcAnswer> = {};
  try {
    body = JSON.parse(text) as Partial<RpcAnswer>;
  } catch { /* not the plugin answering */ }
  return { status: response.status, ok: response.ok && body.ok === true, payload: body.payload, error: body.error };
}

/**
 * Sets up (or updates) these attendees' agents on one OpenClaw node in one config write,
 * leaving out those the host already has exactly; no write at all when it has them all.
 */
export async function provisionAgents(node: UpstreamNode, specs: readonly AgentSpec[], fetcher: Fetcher = (i, init) => fetch(i, init)): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await rpc(node, "config.get", {}, fetcher);
    if (!current.ok) throw setupError(node, current);
    const config = current.payload?.config as Json | undefined;
    const missing = specs
      .map((spec) => ({ ...spec, strayProviderIds: strayProviderIds(spec, config) }))
      .filter((spec) => !alreadyInPlace(spec, config));
    if (missing.length === 0) return;
    const { patch, replacePaths } = agentsPatch(missing);
    const patched = await rpc(node, "config.patch", {
      raw: JSON.stringify(patch), replacePaths, baseHash: current.payload?.hash,
      note: `organized-gateway: ${missing.length === 1 ? "an attendee's own agent" : `${missing.length} attendees' own agents`}`,
    }, fetcher);
    if (patched.ok) return;
    const wait = patched.error?.retryAfterMs ?? 0;
    // Another write landed between the read and the patch (a stale baseHash), or the
    // control plane asked for a moment: read again and retry, a few times.
    const again = patched.error?.code === "UNAVAILABLE" ? wait <= MAX_WAIT_MS : /hash/i.test(patched.error?.message ?? "");
    if (!again || attempt >= ATTEMPTS) throw setupError(node, patched);
    await new Promise((resolve) => setTimeout(resolve, Math.max(200, wait)));
  }
}

function hostUnreachable(node: UpstreamNode): GatewayError {
  return refusal("host_unreachable", { node: node.name });
}

/** Why a node refused: the organiser's one-time set-up is missing, or the host is busy. Never the host's raw answer. */
function setupError(node: UpstreamNode, answer: RpcAnswer): GatewayError {
  // Rate-limited, or still racing another writer (the organiser editing the config) after a few reads.
  const stale = /hash/i.test(answer.error?.message ?? "");
  if (answer.error?.code === "UNAVAILABLE" || stale) {
    const wait = Math.max(1_000, answer.error?.retryAfterMs ?? (stale ? 5_000 : 10_000));
    return refusal("host_busy", { node: node.name, retryAfter: Math.ceil(wait / 1000) }, retryAfterHeaders(wait));
  }
  // 404: the admin-http-rpc plugin is off; 401/403: the operator token is not the host's;
  // 400: e.g. the roster is not `agents.ownership: "explicit"` yet.
  console.error(JSON.stringify({ event: "openclaw_agent_setup_failed", node: node.name, status: answer.status, code: answer.error?.code ?? null }));
  return refusal("host_setup_required", { node: node.name });
}
