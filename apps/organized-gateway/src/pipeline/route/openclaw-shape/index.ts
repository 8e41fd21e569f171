/**
 * OpenClaw shaping: a chat or Responses request made into what OpenClaw accepts, and the
 * means to give its answer back in the client's terms — a whole JSON body, or a stream event
 * by event (raw SSE event text in, raw event texts out). Pure: the route calls
 * `shapeForOpenClaw` on the body it sends, and the forwarder runs the answer through the
 * returned reshaper (null when nothing in the answer can need it).
 */
import { ChatStreamReshaper, reshapeChatCompletion, shapeChatRequest } from "./chat";
import { reshapeResponse, ResponsesStreamReshaper, shapeResponsesRequest } from "./responses";
import type { Json, ToolPlan } from "./tool-plan";

export interface AnswerReshaper {
  /** A whole JSON answer, changed in place and returned. */
  json(body: Json): Json;
  /** A fresh per-stream function: one raw SSE event (no trailing blank line) in, raw events out. */
  stream(): (raw: string) => string[];
}

/**
 * The reshaper an answer needs, kept on the body the node is sent under a symbol key:
 * JSON.stringify never sends it, and it goes wherever that body goes (the pipeline hands the
 * sent body to the surface's answer shaping).
 */
const RESHAPER = Symbol("openclaw-answer-reshaper");

/** Shapes a body for OpenClaw's `kind` endpoint in place and returns it, its answer's reshaper attached. */
export function shapeBodyForOpenClaw(kind: string, body: Json): Json {
  const { answer } = shapeForOpenClaw(kind, body);
  if (answer) Object.defineProperty(body, RESHAPER, { value: answer, enumerable: false });
  return body;
}

/** The reshaper `shapeBodyForOpenClaw` attached to a sent body, or null. */
export function answerReshaperOf(sent: Json | null): AnswerReshaper | null {
  return (sent as (Json & { [RESHAPER]?: AnswerReshaper }) | null)?.[RESHAPER] ?? null;
}

export interface OpenClawShaping {
  /** What the shaping left out of the request (field paths), for the log and the docs. */
  dropped: string[];
  answer: AnswerReshaper | null;
}

/** Shapes `body` in place for OpenClaw's `kind` endpoint. Endpoints without tools are left alone. */
export function shapeForOpenClaw(kind: string, body: Json): OpenClawShaping {
  if (kind === "chat") {
    const { plan, dropped } = shapeChatRequest(body);
    return { dropped, answer: plan.changesAnswers ? chatAnswer(plan) : null };
  }
  if (kind === "response") {
    const { plan, dropped } = shapeResponsesRequest(body);
    return { dropped, answer: plan.changesAnswers ? responsesAnswer(plan) : null };
  }
  return { dropped: [], answer: null };
}

function chatAnswer(plan: ToolPlan): AnswerReshaper {
  return {
    json: (body) => reshapeChatCompletion(body, plan),
    stream: () => {
      const reshaper = new ChatStreamReshaper(plan);
      return (raw) => {
        const event = parseEvent(raw);
        if (!event) return [raw];
        return reshaper.chunk(event.data).map((chunk) => `data: ${JSON.stringify(chunk)}`);
      };
    },
  };
}

function responsesAnswer(plan: ToolPlan): AnswerReshaper {
  return {
    json: (body) => reshapeResponse(body, plan),
    stream: () => {
      const reshaper = new ResponsesStreamReshaper(plan);
      return (raw) => {
        const event = parseEvent(raw);
        if (!event) return [raw];
        return reshaper.event(event.data).map((out) => {
          const name = typeof out.type === "string" ? out.type : event.name;
          return `${name ? `event: ${name}\n` : ""}data: ${JSON.stringify(out)}`;
        });
      };
    },
  };
}

/** An SSE event's name and JSON data; null for anything else ([DONE], comments), which passes as it is. */
export function parseEvent(raw: string): { name: string | null; data: Json } | null {
  let name: string | null = null;
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    else if (line.startsWith("event:")) name = line.slice(6).trim();
  }
  if (data.length === 0) return null;
  try {
    const parsed = JSON.parse(data.join("\n")) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? { name, data: parsed as Json } : null;
  } catch {
    return null;
  }
}
