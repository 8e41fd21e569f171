// What the end-to-end files share: starting slow processes side by side, one JSON call to a
// running gateway, OpenClaw's admin RPC as the host's operator, and a model provider that
// refuses the keys a test revokes (as OpenAI refuses a revoked key), handing every other call
// to a dev upstream that records it; and an attendee's command run headless.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { offlineEnv } from "../../scripts/agent-tools-local.mjs";

/**
 * Starts several processes at once (OpenClaw takes tens of seconds); hands every one that
 * started to `started` — so afterAll can stop it even when another failed — then throws the
 * first failure.
 */
export async function startTogether<T extends readonly Promise<unknown>[]>(
  starting: T, started: (values: { -readonly [K in keyof T]: Awaited<T[K]> | undefined }) => void,
): Promise<void> {
  const results = await Promise.allSettled(starting);
  started(results.map((r) => (r.status === "fulfilled" ? r.value : undefined)) as { -readonly [K in keyof T]: Awaited<T[K]> | undefined });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

export interface CallOptions {
  bearer?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Called {
  status: number;
  /** The parsed JSON, or the text when it is not JSON (a stream). */
  body: any;
  text: string;
  headers: Headers;
}

/** One request to a gateway (or any HTTP server), its answer read whole. */
export async function callJson(baseUrl: string, method: string, route: string, options: CallOptions = {}): Promise<Called> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body, text, headers: response.headers };
}

/**
 * The attendee's logged rows as "endpoint status" (e.g. "/mcp/ask_agent 200"), read through the
 * admin API until `expected` is among them or 30 s have passed (rows settle after the answer).
 */
export async function loggedEndpoints(baseUrl: string, adminToken: string, userId: string, expected: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  let endpoints: string[] = [];
  while (!endpoints.includes(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const listed = await callJson(baseUrl, "GET", `/admin/api/requests?user_id=${encodeURIComponent(userId)}&limit=50`, { bearer: adminToken });
    endpoints = (listed.body.data as { endpoint: string; status: number }[]).map((row) => `${row.endpoint} ${row.status}`);
  }
  return endpoints;
}

/** OpenClaw's admin RPC (`admin-http-rpc`), called as the host's operator. */
export async function openClawRpc(openclawUrl: string, operatorToken: string, method: string, params: unknown): Promise<any> {
  return (await callJson(openclawUrl, "POST", "/api/v1/admin/rpc", { bearer: operatorToken, body: { method, params } })).body;
}

/** Headers a proxy does not pass on as they are. */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

/**
 * The attendees' model provider: answers 401 `invalid_api_key` to an Authorization in
 * `revoked`, and hands every other call to `targetUrl` (streams included).
 */
export function startRevokingProvider(port: number, targetUrl: () => string, revoked: ReadonlySet<string>): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (revoked.has(req.headers.authorization ?? "")) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === "string") as [string, string][]);
    const upstream = await fetch(`${targetUrl()}${req.url}`, {
      method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    if (upstream.body) for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** One request a client sent through a recording proxy, and the gateway's answer to it. */
export interface RecordedCall {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** The gateway's x-request-id: the key of the call's row in D1. */
  requestId: string | null;
  /** The answer as text (a stream whole), for naming what a failing call got. */
  answer: string;
}

/**
 * A pass-through proxy in front of `targetUrl` that records every request a client sends
 * (what the real coding tools send is what the tests check) and the answer it got.
 */
export function startRecordingProxy(port: number, targetUrl: string): Promise<{ url: string; calls: RecordedCall[]; server: Server }> {
  const calls: RecordedCall[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === "string") as [string, string][]);
    const call: RecordedCall = { method: req.method ?? "GET", url: req.url ?? "/", headers, body: body.toString("utf8"), status: 0, requestId: null, answer: "" };
    calls.push(call);
    try {
      const upstream = await fetch(`${targetUrl}${req.url}`, {
        method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      });
      call.status = upstream.status;
      call.requestId = upstream.headers.get("x-request-id");
      const passed: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== "content-encoding") passed[name] = value;
      });
      res.writeHead(upstream.status, passed);
      if (upstream.body) {
        for await (const chunk of upstream.body) {
          call.answer += Buffer.from(chunk).toString("utf8");
          res.write(chunk);
        }
      }
    } catch (error) {
      call.answer = `proxy: ${(error as Error).message}`;
      if (!res.headersSent) res.writeHead(502);
    }
    res.end();
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${port}`, calls, server })));
}

export interface HeadlessRun { code: number | null; stdout: string; stderr: string; output: string; seconds: number }

/**
 * Runs a command in `dir` as the attendee would, headless: no terminal, stdin closed, its own
 * HOME with the coding tools' offline settings, `bin` first on PATH; killed after `timeoutMs`.
 */
export function runHeadless(dir: string, command: string, args: string[], { home, bin, timeoutMs }: { home: string; bin: string; timeoutMs: number }): Promise<HeadlessRun> {
  mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: dir, stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: `${bin}:${process.env.PATH}`, LANG: "C.UTF-8", TERM: "dumb", ...offlineEnv(home) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}`, seconds: (performance.now() - started) / 1000 });
    });
  });
}
