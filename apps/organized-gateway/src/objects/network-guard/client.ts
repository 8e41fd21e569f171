/**
 * The Worker's side of the caller network's guard (objects/network-guard/index.ts): one object per
 * network (a keyed hash of the IP), asked only on paths that guess, refuse or enrol — never
 * on an admitted /v1 request, so it costs the hot path nothing.
 */
import type { Config } from "../../settings/config";
import { ipHash } from "../../shared/network";
import { type GatewayError, refusal, retryAfterHeaders } from "../../errors";
import type { NetworkGuard } from ".";

export interface GuessOptions {
  /** The purpose the guard counts it under. */
  purpose: string;
  /** The refusal past the limit; its sentence names what is being guessed. */
  code: "too_many_wrong_keys" | "too_many_wrong_codes" | "too_many_wrong_admin_tokens";
  perMinute: number;
}

export interface BudgetOptions {
  budget: string;
  perMinute: number;
  /** The refusal past the budget, given the wait in whole seconds and its Retry-After headers. */
  refuse: (retryAfter: number, headers: Record<string, string>) => GatewayError;
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
    throw refusal(options.code, { retryAfter: wait }, retryAfterHeaders(result.retryAfterMs));
  }

  /** Charges one event against a per-network budget; throws the budget's 429 past it. Returns the charge, to refund. */
  async take(options: BudgetOptions, now = Date.now()): Promise<number> {
    const result = await this.guard.take(options.budget, now, options.perMinute);
    if (result.ok) return result.at;
    const wait = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw options.refuse(wait, retryAfterHeaders(result.retryAfterMs));
  }

  waitFor(budget: string, now: number, perMinute: number): Promise<number> {
    return this.guard.waitFor(budget, now, perMinute);
  }

  async refund(budget: string, at: number): Promise<void> {
    await this.guard.refund(budget, at);
  }
}
