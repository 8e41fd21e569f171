/**
 * The Worker's side of the caller network's guard (objects/network-guard/index.ts): one object per
 * network (a keyed hash of the IP), asked only on paths that guess, refuse or enrol — never
 * on an admitted /v1 request, so it costs the hot path nothing.
 */
import type { Config } from "../../settings/config";
import { ipHash } from "../../shared/network";
import { GatewayError, retryAfterHeaders } from "../../shared/errors";
import type { NetworkGuard } from ".";

export interface GuessOptions {
  /** What is being guessed, in the refusal: "event codes", "admin tokens". */
  what: string;
  /** The purpose the guard counts it under, and the refusal's error code. */
  purpose: string;
  code: string;
  perMinute: number;
}

export interface BudgetOptions {
  budget: string;
  perMinute: number;
  /** The refusal's error code and the sentence that tells the caller what is happening. */
  code: string;
  message: (waitSeconds: number) => string;
}

export class NetworkGuardClient {
  private constructor(private readonly guard: DurableObjectStub<NetworkGuard>) {}

  static async forRequest(env: Env, config: Config, headers: Headers): Promise<NetworkGuardClient> {
    const network = (await ipHash(config.hashSecret, headers)) ?? "unknown";
    return new NetworkGuardClient(env.NETWORK_GUARD.get(env.NETWORK_GUARD.idFromName(network)));
  }

  /**
   * One atomic step after the Worker compared the secret: true for a right answer that may
   * be acted on, false for a wrong one; throws 429 when the guard reveals nothing.
   */
  async judge(options: GuessOptions, right: boolean, now = Date.now()): Promise<boolean> {
    const result = await this.guard.judge(options.purpose, now, options.perMinute, right);
    if (result.verdict === "right") return true;
    if (result.verdict === "wrong") return false;
    const wait = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw new GatewayError(429, "rate_limit_error", options.code,
      `Too many wrong ${options.what} came from your network in the last minute (someone here may be guessing). Check yours and try again in ${wait} seconds.`,
      retryAfterHeaders(result.retryAfterMs));
  }

  /** Charges one event against a per-network budget; throws the budget's 429 past it. Returns the charge, to refund. */
  async take(options: BudgetOptions, now = Date.now()): Promise<number> {
    const result = await this.guard.take(options.budget, now, options.perMinute);
    if (result.ok) return result.at;
    const wait = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw new GatewayError(429, "rate_limit_error", options.code, options.message(wait), retryAfterHeaders(result.retryAfterMs));
  }

  waitFor(budget: string, now: number, perMinute: number): Promise<number> {
    return this.guard.waitFor(budget, now, perMinute);
  }

  async refund(budget: string, at: number): Promise<void> {
    await this.guard.refund(budget, at);
  }
}
