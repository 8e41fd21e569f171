/**
 * The upstream pool, as pure decisions: which nodes may serve a request (by its model), and
 * in which order an attendee tries them. Sticky by weighted rendezvous hashing: each
 * (attendee, node) pair gets a score, the attendee goes to the highest-scoring node and, if
 * it is down, to the next. Adding or removing a node moves only the attendees whose best
 * node it is or becomes (about 1/n of them), so OpenClaw's per-host sessions mostly stay put.
 */

export interface PoolNode {
  name: string;
  weight: number;
  /** Model patterns this node serves (`noclaw/*`, `gemma*`); none: the default route. */
  models: readonly string[];
  free: boolean;
  /** A cell's attendees; none: a shared node. */
  customers?: readonly string[] | null;
}

/**
 * The nodes that may ever serve an attendee — the pool's trust rule. One OpenClaw process is
 * one trust boundary (OpenClaw's docs/gateway/multi-tenant-hosting.md), so a paying
 * customer gets a cell: nodes that list them in `customers`. A cell serves its customers
 * alone, and a customer with a cell is served by their cells alone — no model route, no
 * failover and no shared node, ever (their turns, sessions and own agent would otherwise
 * live in a process other tenants use). Everyone else is served by the shared nodes.
 */
export function servingNodes<N extends PoolNode>(nodes: readonly N[], attendee: string): N[] {
  const cells = nodes.filter((node) => node.customers?.includes(attendee));
  return cells.length > 0 ? cells : nodes.filter((node) => !node.customers);
}

/** Whether `node` may serve `attendee` (servingNodes, asked of one node). */
export function mayServe<N extends PoolNode>(nodes: readonly N[], node: N, attendee: string): boolean {
  return servingNodes(nodes, attendee).includes(node);
}

export interface ModelRoute<N extends PoolNode> {
  /** Nodes that may serve the request, best first for this attendee. */
  order: N[];
  /** The model to send upstream (a `prefix/*` pattern's prefix removed), or null to leave it. */
  model: string | null;
  free: boolean;
}

/** A glob with `*` (any run of characters) and nothing else special; matched case-insensitively. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${escaped}$`, "i");
}

const compiled = new Map<string, RegExp>();
function matches(pattern: string, model: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    compiled.set(pattern, re);
  }
  return re.test(model);
}

/** `noclaw/*` routes `noclaw/gemma3:27b` to its node as `gemma3:27b`; other patterns keep the name. */
function upstreamModel(pattern: string, model: string): string {
  const prefix = /^([^*]+\/)\*$/.exec(pattern)?.[1];
  return prefix && model.toLowerCase().startsWith(prefix.toLowerCase()) ? model.slice(prefix.length) : model;
}

/** FNV-1a 32-bit, then a 32-bit mix: fast, stable across isolates, well spread. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Weighted rendezvous score: -weight / ln(u), u uniform in (0, 1) from the pair's hash. */
export function rendezvousScore(attendee: string, node: PoolNode): number {
  const u = (hash32(`${attendee}\0${node.name}`) + 0.5) / 2 ** 32;
  return -node.weight / Math.log(u);
}

/** The nodes in the order this attendee tries them: their sticky node first. */
export function stickyOrder<N extends PoolNode>(attendee: string, nodes: readonly N[]): N[] {
  return nodes
    .filter((node) => node.weight > 0)
    .map((node) => ({ node, score: rendezvousScore(attendee, node) }))
    .sort((a, b) => b.score - a.score || a.node.name.localeCompare(b.node.name))
    .map(({ node }) => node);
}

/**
 * Where a request goes: the nodes whose patterns match its model (first matching pattern
 * wins its rewrite), else the default nodes (those without patterns), each list in the
 * attendee's sticky order. An empty order means no node serves that model.
 */
export function routeModel<N extends PoolNode>(nodes: readonly N[], attendee: string, model: string | null): ModelRoute<N> {
  if (model) {
    const matched: { node: N; pattern: string }[] = [];
    for (const node of nodes) {
      const pattern = node.models.find((p) => matches(p, model));
      if (pattern) matched.push({ node, pattern });
    }
    if (matched.length > 0) {
      return {
        order: stickyOrder(attendee, matched.map((m) => m.node)),
        model: upstreamModel(matched[0].pattern, model),
        free: matched.every((m) => m.node.free),
      };
    }
  }
  const defaults = nodes.filter((node) => node.models.length === 0);
  return { order: stickyOrder(attendee, defaults), model: null, free: defaults.length > 0 && defaults.every((n) => n.free) };
}
