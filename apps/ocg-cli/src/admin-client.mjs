// Talks to a gateway: its public /health and its admin API (Bearer admin token). Turns every
// way that can fail — nothing listening, a URL that is not a gateway, a wrong token, a
// gateway error — into a CliError that says what to check. Never puts the token in a message.
import { CliError } from "./errors.mjs";

const TIMEOUT_MS = 10_000;

export function normaliseUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`'${url}' is not a URL. Pass the gateway's base URL, e.g. --url http://127.0.0.1:8787`, 2);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new CliError(`--url must start with http:// or https:// (got ${parsed.protocol})`, 2);
  return parsed.toString().replace(/\/+$/, "");
}

function unreachable(url, error) {
  const code = error?.cause?.code ?? error?.code ?? error?.name;
  if (code === "ECONNREFUSED") {
    return new CliError(`Cannot reach the gateway at ${url}: connection refused. Is it running? Start it with 'npm start', or pass the right --url (or OCG_URL).`);
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new CliError(`Cannot reach the gateway at ${url}: the host name does not resolve. Check --url (or OCG_URL).`);
  }
  if (code === "TimeoutError" || code === "AbortError" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return new CliError(`The gateway at ${url} did not answer within ${TIMEOUT_MS / 1000} s. Is it up? Check --url (or OCG_URL).`);
  }
  return new CliError(`Cannot reach the gateway at ${url} (${code ?? error?.message ?? "network error"}). Check --url (or OCG_URL) and that the gateway is up.`);
}

export class GatewayClient {
  /** @param {{url: string, token?: string}} options */
  constructor({ url, token }) {
    this.url = normaliseUrl(url);
    this.token = token || undefined;
  }

  async #fetch(path, init = {}) {
    try {
      return await fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw unreachable(this.url, error);
    }
  }

  async #json(response, path) {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`${this.url}${path} answered HTTP ${response.status} without JSON: this does not look like an organized-gateway. Check --url (the gateway's base URL, e.g. http://127.0.0.1:8787).`);
    }
  }

  /** GET /health: the gateway's own view of itself (no token needed). */
  async health() {
    const response = await this.#fetch("/health");
    const body = await this.#json(response, "/health");
    if (body?.gateway !== "organized-gateway") {
      throw new CliError(`${this.url} answered /health, but not as an organized-gateway. Check --url.`);
    }
    return body;
  }

  /** A call to the admin API; resolves with the JSON body or throws a CliError. */
  async admin(path, { method = "GET", body } = {}) {
    if (!this.token) {
      throw new CliError("No admin token. Pass --token <ADMIN_TOKEN>, or set ADMIN_TOKEN (or OCG_ADMIN_TOKEN) in the environment.", 2);
    }
    const headers = { authorization: `Bearer ${this.token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await this.#fetch(`/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const parsed = await this.#json(response, `/admin/api${path}`);
    if (response.ok) return parsed;
    const error = parsed?.error ?? {};
    if (response.status === 401) {
      throw new CliError("The gateway refused the admin token (401). Check --token / ADMIN_TOKEN: it must be the gateway's ADMIN_TOKEN.");
    }
    if (error.code === "admin_disabled") throw new CliError(error.message);
    if (response.status === 404 && error.code !== "key_not_found") {
      throw new CliError(`${this.url}/admin/api${path} was not found (404): is --url the organized-gateway's base URL (not the upstream's, and without /v1)?`);
    }
    if (response.status >= 500) {
      throw new CliError(`The gateway answered ${response.status}: ${error.message ?? "server error"}`);
    }
    throw new CliError(`${error.message ?? `HTTP ${response.status}`}${error.code ? ` (${error.code})` : ""}`);
  }
}
