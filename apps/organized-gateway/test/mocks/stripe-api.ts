/**
 * MOCK of Stripe's API — the one thing the billing tests do not run for real (no Stripe
 * account, no network). It answers the three calls the Worker makes, in Stripe's shapes:
 * `POST /v1/checkout/sessions`, `POST /v1/billing_portal/sessions` and
 * `GET /v1/subscriptions/{id}`; anything else is Stripe's 404. It is handed to the billing
 * routes as their `fetch`, so the official SDK builds and sends the real requests (form
 * encoding, auth header, API version) and the tests read exactly what it sent.
 * Webhook payloads are not mocked: the tests sign them with the SDK's own test-header helper.
 */

export interface StripeCall {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization: string | null;
  stripeVersion: string | null;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "request-id": "req_mock" } });

const notFound = (message: string) => json(404, { error: { type: "invalid_request_error", code: "resource_missing", message } });

export class StripeApiMock {
  readonly calls: StripeCall[] = [];
  /** Subscriptions `GET /v1/subscriptions/{id}` returns, as Stripe would hold them now. */
  readonly subscriptions = new Map<string, Record<string, unknown>>();
  /** When set, every call answers 500 (Stripe unavailable). */
  failing = false;
  private sequence = 0;

  /** The `fetch` the billing routes are given. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    // Stripe's API takes form-encoded bodies; decoded from bytes (workerd warns on .text() of a form).
    const params = request.method === "GET" ? url.searchParams : new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    this.calls.push({
      method: request.method, path: url.pathname, params,
      authorization: request.headers.get("authorization"), stripeVersion: request.headers.get("stripe-version"),
    });
    if (url.hostname !== "api.stripe.com") return notFound(`MOCK of Stripe's API: unexpected host ${url.hostname}`);
    if (this.failing) return json(500, { error: { type: "api_error", message: "MOCK: Stripe is unavailable" } });
    const id = `${++this.sequence}`.padStart(4, "0");
    if (request.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      return json(200, {
        id: `cs_test_mock${id}`, object: "checkout.session", mode: params.get("mode"),
        client_reference_id: params.get("client_reference_id"), customer: params.get("customer"),
        url: `https://checkout.stripe.com/c/pay/cs_test_mock${id}`,
        expires_at: Math.floor(Date.now() / 1000) + 24 * 3600, status: "open",
      });
    }
    if (request.method === "POST" && url.pathname === "/v1/billing_portal/sessions") {
      return json(200, {
        id: `bps_mock${id}`, object: "billing_portal.session", customer: params.get("customer"),
        return_url: params.get("return_url"), url: `https://billing.stripe.com/p/session/test_mock${id}`,
      });
    }
    const subscription = /^\/v1\/subscriptions\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (request.method === "GET" && subscription) {
      const found = this.subscriptions.get(subscription[1]);
      return found ? json(200, found) : notFound(`No such subscription: '${subscription[1]}'`);
    }
    return notFound(`MOCK of Stripe's API: no route ${request.method} ${url.pathname}`);
  };

  callsTo(method: string, path: string | RegExp): StripeCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === "string" ? c.path === path : path.test(c.path)));
  }
}
