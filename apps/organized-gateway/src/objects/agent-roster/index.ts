/**
 * AgentRoster: one Durable Object per OpenClaw node that writes attendees' own agents into
 * that node's config — one write at a time, every attendee waiting at that moment in it.
 *
 * Why an object: each registration is a read (`config.get`) and a patch on that read's hash.
 * Fifty attendees registering in the same minute from fifty Worker isolates would race each
 * other's hashes (OpenClaw refuses a patch on a stale read) and spend OpenClaw's allowance of
 * 30 config writes a minute; through the node's one object they queue, and a room's rush
 * becomes a few writes. The object keeps nothing: the config on the host is the truth, and a
 * spec the host already has is not written again (openclaw-agent.ts).
 *
 * RPC carries no error classes, so the outcome comes back as data and the Worker turns a
 * refusal back into its GatewayError.
 */
import { DurableObject } from "cloudflare:workers";
import type { UpstreamNode } from "../../settings/config";
import { GatewayError, toGatewayError, type ErrorCode, type ErrorType } from "../../errors";
import { provisionAgents, type AgentSpec } from "../../credentials/openclaw-agent";

/** A patch names each attendee's provider and agent: this many fit in one comfortably. */
const MAX_BATCH = 50;

export type RosterOutcome =
  | { ok: true }
  | { ok: false; status: number; type: ErrorType; code: ErrorCode; message: string; headers: Record<string, string> };

interface Waiting {
  spec: AgentSpec;
  done: (outcome: RosterOutcome) => void;
}

export function agentRosterName(node: Pick<UpstreamNode, "name" | "url">): string {
  return `roster:${node.name}@${node.url}`;
}

export class AgentRoster extends DurableObject<Env> {
  private waiting: Waiting[] = [];
  private writing = false;

  /** Resolves once the node's config gives this attendee their agent (or says why it cannot). */
  ensure(node: UpstreamNode, spec: AgentSpec): Promise<RosterOutcome> {
    return new Promise((done) => {
      this.waiting.push({ spec, done });
      if (!this.writing) void this.writeAll(node);
    });
  }

  private async writeAll(node: UpstreamNode): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        let outcome: RosterOutcome = { ok: true };
        try {
          await provisionAgents(node, batch.map((w) => w.spec));
        } catch (thrown) {
          if (!(thrown instanceof GatewayError)) console.error(JSON.stringify({ event: "agent_roster_failed", node: node.name, error: (thrown as Error)?.name ?? "unknown" }));
          const error = toGatewayError(thrown);
          outcome = { ok: false, status: error.status, type: error.type, code: error.code, message: error.message, headers: error.headers };
        }
        for (const w of batch) w.done(outcome);
      }
    } finally {
      this.writing = false;
    }
  }
}

/** The attendee's agent on one node, through that node's roster; throws the node's refusal. */
export async function ensureAgent(env: Env, node: UpstreamNode, spec: AgentSpec): Promise<void> {
  const outcome = await env.AGENT_ROSTER.get(env.AGENT_ROSTER.idFromName(agentRosterName(node))).ensure(node, spec);
  if (!outcome.ok) throw GatewayError.rebuilt(outcome);
}
