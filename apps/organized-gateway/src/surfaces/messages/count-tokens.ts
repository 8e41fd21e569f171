/**
 * `POST /v1/messages/count_tokens`: an ESTIMATE, not the model's tokenizer (the gateway cannot
 * know which model the agent runs, nor how OpenClaw wraps the prompt): about four characters a
 * token over the system prompt, the messages' text and JSON, and the tool definitions — the
 * same rule the gateway's log rows use for prompts it has no reported usage for.
 */

const CHARS_PER_TOKEN = 4;

export function estimateInputTokens(body: Record<string, unknown>): number {
  let chars = 0;
  if (typeof body.system === "string") chars += body.system.length;
  else if (body.system !== undefined) chars += JSON.stringify(body.system).length;
  for (const message of Array.isArray(body.messages) ? (body.messages as unknown[]) : []) {
    const content = (message as { content?: unknown })?.content;
    chars += typeof content === "string" ? content.length : JSON.stringify(content ?? "").length;
  }
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}
