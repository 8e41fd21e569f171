/**
 * For tests only: OpenClaw 2026.9.6's own `/v1/responses` body schema, transcribed from its
 * dist (dist/openresponses-http-*.mjs, "src/gateway/open-responses.schema.ts"), so a test can
 * check a shaped body the way OpenClaw will. Its e2e counterpart sends the bodies to a real
 * OpenClaw.
 */
import { z } from "zod";

const InputImageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("url"), url: z.string().url() }),
  z.object({ type: z.literal("base64"), media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif"]), data: z.string().min(1) }),
]);
const InputFileSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("url"), url: z.string().url() }),
  z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1), filename: z.string().optional() }),
]);
const ContentPart = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input_text"), text: z.string() }).strict(),
  z.object({ type: z.literal("output_text"), text: z.string() }).strict(),
  z.object({ type: z.literal("input_image"), source: InputImageSource }).strict(),
  z.object({ type: z.literal("input_file"), source: InputFileSource }).strict(),
]);
const Status = z.enum(["in_progress", "completed", "incomplete"]);
const Item = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"), id: z.string().optional(), role: z.enum(["system", "developer", "user", "assistant"]),
    content: z.union([z.string(), z.array(ContentPart)]), phase: z.enum(["commentary", "final_answer"]).optional(), status: Status.optional(),
  }).strict(),
  z.object({ type: z.literal("function_call"), id: z.string().optional(), call_id: z.string().optional(), name: z.string(), arguments: z.string(), status: Status.optional() }).strict(),
  z.object({ type: z.literal("function_call_output"), call_id: z.string(), output: z.string() }).strict(),
  z.object({ type: z.literal("reasoning"), content: z.string().optional(), encrypted_content: z.string().optional(), summary: z.string().optional() }).strict(),
  z.object({ type: z.literal("item_reference"), id: z.string() }).strict(),
]);
const Tool = z.object({
  type: z.literal("function"), name: z.string().min(1), description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().optional(),
}).strict();
const ToolChoice = z.union([
  z.literal("auto"), z.literal("none"), z.literal("required"),
  z.object({ type: z.literal("function"), name: z.string().min(1) }).strict(),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }).strict(),
]);

export const OpenClawResponsesBody = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(Item)]),
  instructions: z.string().optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  text: z.object({ format: z.object({ type: z.literal("text") }).strict() }).strict().optional(),
  stream: z.boolean().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  max_tool_calls: z.number().int().positive().optional(),
  user: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  store: z.boolean().optional(),
  previous_response_id: z.string().optional(),
  reasoning: z.object({ effort: z.enum(["low", "medium", "high"]).optional(), summary: z.enum(["auto", "concise", "detailed"]).optional() }).optional(),
  truncation: z.enum(["auto", "disabled"]).optional(),
}).strict();
