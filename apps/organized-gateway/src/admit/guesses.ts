/**
 * Guessing guard: a secret typed by people (the room's event code, the admin token) can be
 * guessed by brute force, so wrong guesses are counted per network (a keyed hash of the IP)
 * in a one-minute window held by a Durable Object, and a network past the limit is refused
 * until the window frees. Only wrong guesses count: a whole room shares one Wi-Fi address.
 */
import type { Config } from "../config";
import { ipHash } from "../shared/network";
import { GatewayError } from "../shared/errors";
import { gateFor, type Gate } from "./index";

export interface GuessGuardOptions {
  /** What is being guessed, in the refusal: "event codes", "admin tokens". */
  what: string;
  /** The refusal's error code. */
  code: string;
  perMinute: number;
}

export class GuessGuard {
  private constructor(readonly gate: Gate, private readonly options: GuessGuardOptions) {}

  static async forNetwork(env: Env, config: Config, headers: Headers, purpose: string, options: GuessGuardOptions): Promise<GuessGuard> {
    const network = (await ipHash(config.hashSecret, headers)) ?? "unknown";
    return new GuessGuard(gateFor(env.ATTENDEE_GATE, `guess:${purpose}:${network}`), options);
  }

  /** Throws a 429 when this network has used up its wrong guesses for the minute. */
  async check(now: number): Promise<void> {
    const { left, retryAfterMs } = await this.gate.guessesLeft(now, this.options.perMinute);
    if (left > 0) return;
    const wait = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new GatewayError(429, "rate_limit_error", this.options.code,
      `Too many wrong ${this.options.what} from your network. Check it and try again in ${wait} seconds.`,
      { "retry-after": String(wait) });
  }

  async wrong(now: number): Promise<void> {
    await this.gate.recordWrongGuess(now, this.options.perMinute);
  }
}
