/**
 * One request's client tools as OpenClaw will see them, and the way back: each tool's name
 * upstream (clashing names renamed, tool-names.ts; a namespace's tools flattened to
 * `<namespace>__<name>`, the flat form Codex itself uses), and what kind of tool the client
 * offered, so a call that comes back as a function call can be given the client's shape again
 * (a `custom` tool's call carries its raw `input` string, not JSON arguments).
 */
import { ToolNames } from "./tool-names";

export type Json = Record<string, unknown>;

export interface ClientTool {
  /** The client's name for the tool (inside its namespace, if any). */
  name: string;
  namespace?: string;
  /** `custom`: a freeform tool whose input is one string (offered to OpenClaw as a function taking `input`). */
  kind: "function" | "custom";
}

/** What OpenClaw is told a custom tool takes: one string. The grammar, if any, goes into the description. */
export function customToolParameters(format: unknown): Json {
  const grammar = isObject(format) && format.type === "grammar" && typeof format.definition === "string"
    ? ` It must follow this ${typeof format.syntax === "string" ? format.syntax : ""} grammar:\n${format.definition}`
    : "";
  return {
    type: "object",
    properties: { input: { type: "string", description: `The tool's whole input, as raw text.${grammar}` } },
    required: ["input"],
    additionalProperties: false,
  };
}

/** The client's `input` for a custom tool, from the arguments OpenClaw's function call carries. */
export function customInputOf(args: unknown): string {
  if (typeof args !== "string") return "";
  try {
    const parsed = JSON.parse(args) as unknown;
    if (isObject(parsed) && typeof parsed.input === "string") return parsed.input;
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}

export function flatName(namespace: string | undefined, name: string): string {
  if (!namespace) return name;
  return `${namespace.replace(/_+$/, "")}__${name.replace(/^_+/, "")}`;
}

export class ToolPlan {
  private readonly names: ToolNames;
  private readonly offered = new Map<string, ClientTool>();

  /**
   * `tools`: what the request offers; `mentioned`: names its history calls (they are renamed
   * the same way, so OpenClaw sees one consistent name per tool).
   */
  constructor(tools: readonly ClientTool[], mentioned: readonly string[] = []) {
    this.names = new ToolNames([...tools.map((t) => flatName(t.namespace, t.name)), ...mentioned]);
    for (const tool of tools) this.offered.set(this.names.toUpstream(flatName(tool.namespace, tool.name)), tool);
  }

  /** The name OpenClaw sees for a client tool (or a history call of one). */
  upstreamName(name: string, namespace?: string): string {
    return this.names.toUpstream(flatName(namespace, name));
  }

  /** The client's tool behind a name in OpenClaw's answer; a name it did not offer comes back as a plain function. */
  clientTool(upstreamName: string): ClientTool {
    return this.offered.get(upstreamName) ?? { name: this.names.toClient(upstreamName), kind: "function" };
  }

  /** Whether an answer needs anything given back (a renamed, custom or namespaced tool was offered). */
  get changesAnswers(): boolean {
    if (this.names.renames) return true;
    for (const tool of this.offered.values()) if (tool.kind === "custom" || tool.namespace) return true;
    return false;
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
