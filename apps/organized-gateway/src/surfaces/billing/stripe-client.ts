/**
 * Stripe, the one way the gateway reaches it: the official SDK's Worker build (the package's
 * `workerd` export: fetch and SubtleCrypto, no Node APIs), with its HTTP calls going through
 * a `fetch` the caller gives — the Worker's own in production, a named mock of Stripe's API
 * in the tests — and webhook signatures checked with the SDK's own async verifier (the
 * synchronous one throws in a Worker). Nothing here logs a key, a secret or a payload.
 */
import type Stripe from "stripe";
import type { Config } from "../../settings/config";
import { type GatewayError, refusal } from "../../errors";

/** Stripe's default: a signature older than this (seconds) is refused as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

type StripeSdk = typeof Stripe;
let sdk: Promise<{ Stripe: StripeSdk; crypto: ReturnType<StripeSdk["createSubtleCryptoProvider"]> }> | undefined;

/**
 * The SDK, evaluated on first use (it is most of the bundle): an isolate that only serves
 * /v1 never pays for it at start-up.
 */
function loadSdk() {
  sdk ??= import("stripe").then(({ default: Stripe }) => ({ Stripe, crypto: Stripe.createSubtleCryptoProvider() }));
  return sdk;
}

export type StripeFetch = typeof fetch;

export function billingNotConfigured(): GatewayError {
  return refusal("billing_not_configured");
}

/** A Stripe API client for this config, or null when STRIPE_SECRET_KEY is not set. */
export async function stripeApi(config: Config, fetchFn: StripeFetch): Promise<Stripe | null> {
  if (!config.stripe.secretKey) return null;
  const { Stripe } = await loadSdk();
  return new Stripe(config.stripe.secretKey, {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    // A Worker's request should not wait on Stripe for long; the SDK retries idempotently.
    timeout: 10_000,
    maxNetworkRetries: 2,
  });
}

/** Like stripeApi, but a missing key is the caller's 503. */
export async function requireStripeApi(config: Config, fetchFn: StripeFetch): Promise<Stripe> {
  const stripe = await stripeApi(config, fetchFn);
  if (!stripe) throw billingNotConfigured();
  return stripe;
}

/**
 * The event a webhook delivery carries, once its `Stripe-Signature` is checked against the
 * raw body with STRIPE_WEBHOOK_SECRET: a missing, forged or stale signature is a 400 and
 * nothing else happens. Without the secret, every delivery is a 503 naming the setting (so
 * Stripe keeps retrying until the organiser sets it, and no event is lost).
 */
export async function verifiedEvent(config: Config, rawBody: string, signature: string | null, nowMs: number): Promise<Stripe.Event> {
  const secret = config.stripe.webhookSecret;
  if (!secret) {
    throw refusal("stripe_webhook_not_configured");
  }
  if (!signature) {
    throw refusal("missing_stripe_signature");
  }
  const { Stripe, crypto } = await loadSdk();
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS, crypto, nowMs);
  } catch {
    throw refusal("invalid_stripe_signature", { toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS });
  }
}

/** A Stripe API failure as the gateway answers it (never Stripe's raw message, which may echo input). */
export function stripeUnavailable(): GatewayError {
  return refusal("stripe_unavailable");
}
