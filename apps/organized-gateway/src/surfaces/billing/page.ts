/**
 * The billing page's HTML: the sign-in form and the attendee's account (plan, this month's
 * usage and its reset date, plans to choose, the Stripe customer portal). Every value goes
 * through `escapeHtml`; there is no script at all, and the only style is the page's own
 * stylesheet, so the CSP forbids both inline. Every action is a POST form to the Worker,
 * which answers with a redirect to Stripe: form-action therefore allows Stripe's hosted
 * Checkout and portal hosts (a form's redirect is held to form-action too).
 */
import { escapeHtml, htmlDocument } from "../../shared/html";
import type { TierLimits } from "../../pipeline/admit/tiers";
import type { BillingAccount } from "./account";
import { SESSION_HOURS } from "./session";
import { GRACE_PERIOD_DAYS } from "./subscription-state";

export const BILLING_CSP = [
  "default-src 'none'", "style-src 'self'", "img-src 'self' data:",
  "form-action 'self' https://checkout.stripe.com https://billing.stripe.com",
  "frame-ancestors 'none'", "base-uri 'none'",
].join("; ");

/** `tier-2` → `Tier 2`; the workshop's tier by its role. */
export function tierName(tier: string): string {
  if (tier === "event") return "Workshop (event tier)";
  if (tier === "none") return "No plan";
  const numbered = /^tier-(\d+)$/.exec(tier);
  return numbered ? `Tier ${numbered[1]}` : tier;
}

const day = (epochSeconds: number | null | undefined) =>
  epochSeconds ? new Date(epochSeconds * 1000).toISOString().slice(0, 10) : "the end of the period";

const count = (n: number) => n.toLocaleString("en-US");

function layout(title: string, body: string): string {
  return htmlDocument({
    title, body, noReferrer: true,
    head: '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/billing/assets/billing.css">',
  });
}

export interface SignInView {
  eventName: string;
  error?: string;
}

export function billingSignInPage({ eventName, error }: SignInView): string {
  return layout(`Billing · ${eventName}`, `<main class="narrow">
<h1>${escapeHtml(eventName)}</h1>
<p class="subtitle">Your plan and billing</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/billing/session" class="card signin">
  <label for="key">Your gateway key</label>
  <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" required placeholder="ocg_yourname_…" autofocus>
  <button type="submit">Sign in</button>
  <p class="hint">The OCG_KEY in your kit's <code>.env</code>. It is checked and forgotten: the browser keeps only a sign-in that ends after ${SESSION_HOURS} hours, when you sign out, or when the key is revoked.</p>
</form>
</main>`);
}

function statusSentence(account: BillingAccount): string {
  const sub = account.subscription;
  if (sub) {
    const e = sub.entitlement;
    switch (e.state) {
      case "active": return `Active. Renews on ${day(e.until)} (UTC).`;
      case "cancelling": return `Cancelled: your plan stays until ${day(e.until)} (UTC), then ends.`;
      case "grace": return `Your last payment failed. Update your card in the Stripe portal before ${day(e.until)} (UTC), or your plan is suspended.`;
      case "suspended": return `Suspended: the payment failed more than ${GRACE_PERIOD_DAYS} days ago. Update your card in the Stripe portal to resume.`;
      case "ended": return account.defaulted ? "Your subscription has ended." : "Your subscription has ended; the organiser has put you on this tier.";
      case "no_tier": return "Your subscription's price is not one of this gateway's tiers. Tell the organiser.";
    }
  }
  if (account.tier === "none") return "You have no plan: the agent refuses requests until you choose one below.";
  if (account.defaulted) return account.tier === "event" ? "Everyone at the workshop is on this tier." : "Every attendee without a plan is on this tier.";
  return "Set for you by the organiser.";
}

const perMonth = (limits: TierLimits) => (limits.requestsPerMonth === null ? "unlimited requests" : `${count(limits.requestsPerMonth)} requests a month`);
const projectsOf = (limits: TierLimits) => (limits.projects === null ? "unlimited projects" : `${limits.projects} project${limits.projects === 1 ? "" : "s"}`);

function usageSection(account: BillingAccount): string {
  const limit = account.limits?.requestsPerMonth ?? null;
  const meter = limit === null ? "" : `<meter min="0" max="${limit}" value="${Math.min(account.used, limit)}" low="${Math.floor(limit * 0.8)}" high="${Math.floor(limit * 0.95)}" optimum="0">${count(account.used)} of ${count(limit)}</meter>`;
  const projects = account.projects.length === 0 ? "" : `<ul class="projects">${account.projects
    .map((p) => `<li><span>${escapeHtml(p.project)}</span><span>${count(p.requests)}</span></li>`).join("")}</ul>`;
  return `<section class="card">
  <h2>This month</h2>
  <p class="figure"><strong id="used">${count(account.used)}</strong> ${limit !== null ? `of ${count(limit)} requests` : account.limits ? "requests (no monthly limit)" : "requests"}</p>
  ${meter}
  <p class="detail">Resets on <strong id="resets">${account.resetsAt.slice(0, 10)}</strong> (UTC), the first of the month.</p>
  ${projects}
</section>`;
}

export interface PlansView {
  /** Tiers with a Stripe price, and their limits. */
  onSale: { id: string; limits: TierLimits }[];
  /** False without STRIPE_SECRET_KEY: no Checkout can be created. */
  configured: boolean;
}

function plansSection(account: BillingAccount, plans: PlansView): string {
  if (!plans.configured) {
    return `<section class="card notice" id="not-configured"><h2>Plans</h2>
  <p>Billing is not configured on this gateway yet (the organiser has not set STRIPE_SECRET_KEY), so plans cannot be bought here. Ask the organiser.</p></section>`;
  }
  if (plans.onSale.length === 0) {
    return `<section class="card notice"><h2>Plans</h2><p>No plan is on sale on this gateway yet. Ask the organiser.</p></section>`;
  }
  const subscribed = account.subscription?.entitlement.tier != null;
  const rows = plans.onSale.map(({ id, limits }) => {
    const current = id === account.tier;
    const action = current
      ? `<span class="pill">your plan</span>`
      : subscribed
        ? `<span class="hint">switch in the portal</span>`
        : `<form method="post" action="/billing/checkout"><input type="hidden" name="tier" value="${escapeHtml(id)}"><button type="submit">Choose ${escapeHtml(tierName(id))}</button></form>`;
    return `<tr${current ? ' class="current"' : ""}><th scope="row">${escapeHtml(tierName(id))}</th><td>${perMonth(limits)}</td><td>${projectsOf(limits)}</td><td>${limits.priority > 1 ? "priority slots" : "shared"}${limits.node ? " · dedicated node" : ""}</td><td>${action}</td></tr>`;
  }).join("\n");
  return `<section class="card" id="plans"><h2>Plans</h2>
  <table class="plans"><thead><tr><th>Plan</th><th>Requests</th><th>Projects</th><th>Service</th><th></th></tr></thead>
  <tbody>
${rows}
  </tbody></table>
  <p class="hint">Checkout is on Stripe's own page; you come back here afterwards. Prices are shown there.</p>
</section>`;
}

function portalSection(account: BillingAccount, configured: boolean): string {
  if (!configured || !account.customerId) return "";
  return `<section class="card" id="portal"><h2>Subscription</h2>
  <p>Change your card, switch plan, see invoices or cancel on Stripe's customer portal.</p>
  <form method="post" action="/billing/portal"><button type="submit">Open the Stripe portal</button></form>
</section>`;
}

export interface AccountView {
  eventName: string;
  account: BillingAccount;
  plans: PlansView;
  /** Back from Checkout: the plan changes here once Stripe's event arrives (seconds). */
  justPaid: boolean;
}

export function billingAccountPage({ eventName, account, plans, justPaid }: AccountView): string {
  const limits = account.limits;
  return layout(`Billing · ${eventName}`, `<header class="top">
  <div><h1>${escapeHtml(eventName)}</h1><span class="subtitle">Billing · signed in as <strong>${escapeHtml(account.userId)}</strong></span></div>
  <form method="post" action="/billing/sign-out"><button type="submit" class="link">Sign out</button></form>
</header>
<main>
${justPaid ? `<p class="ok" role="status">Thank you. Stripe is confirming your payment: your plan shows here within a minute (reload the page).</p>` : ""}
<section class="card plan">
  <h2>Your plan</h2>
  <p class="tier" id="tier">${escapeHtml(tierName(account.tier))}</p>
  <p id="status">${escapeHtml(statusSentence(account))}</p>
  ${limits ? `<p class="detail">${perMonth(limits)} · ${projectsOf(limits)} · ${limits.perMinute} requests a minute</p>` : ""}
</section>
${usageSection(account)}
${plansSection(account, plans)}
${portalSection(account, plans.configured)}
</main>`);
}

/** A billing action that could not be done (Stripe unreachable, no subscription), said in a sentence. */
export function billingErrorPage({ eventName, message }: { eventName: string; message: string }): string {
  return layout(`Billing · ${eventName}`, `<main class="narrow">
<h1>${escapeHtml(eventName)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p><a href="/billing">Back to billing</a></p>
</main>`);
}
