/**
 * MonthlyQuota: an attendee's requests this calendar month (UTC), in total and per project,
 * kept by their object. The month is part of the key, so a new month is simply a new
 * counter: nothing has to reset it, and a reset job that never runs breaks nothing.
 * A request reserves its unit at admission, atomically with every other check (the object
 * is single-threaded), so no burst can overspend; one that never reached the upstream gives
 * its unit back. Counts are written to storage with each reservation, so a restarted object
 * forgets nothing; D1's `monthly_usage` ledger follows with the object's log batches.
 */
import type { TierLimits } from "../../pipeline/admit/tiers";

export interface PeriodUsage {
  total: number;
  projects: Record<string, number>;
}

export type QuotaAnswer =
  | { ok: true }
  | { ok: false; reason: "quota_exceeded"; used: number; limit: number; resetsAt: string }
  | { ok: false; reason: "project_limit"; projects: string[]; limit: number };

/** `YYYY-MM` of an instant, in UTC. */
export function periodOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 7);
}

/** The first instant of the next period, as ISO 8601. */
export function periodEnd(period: string): string {
  const [year, month] = period.split("-").map(Number);
  return new Date(Date.UTC(year, month, 1)).toISOString();
}

const KEY = (period: string) => `usage:${period}`;

/**
 * A month's counts as the object keeps them: projects in a Map, since a project is the
 * caller's X-Project-ID and a plain object would answer `constructor` from its prototype.
 */
interface PeriodCounts {
  total: number;
  projects: Map<string, number>;
}

/** What storage holds: projects as entries (older objects wrote a plain object). */
interface StoredUsage {
  total: number;
  projects: [string, number][] | Record<string, unknown>;
}

/** Reads a stored month, keeping only whole counts (an older object may hold a poisoned one). */
function countsFrom(stored: StoredUsage | undefined): PeriodCounts {
  if (!stored) return { total: 0, projects: new Map() };
  const entries = Array.isArray(stored.projects) ? stored.projects : Object.entries(stored.projects);
  const projects = new Map<string, number>();
  for (const [project, requests] of entries) {
    if (typeof requests === "number" && Number.isSafeInteger(requests) && requests > 0) projects.set(project, requests);
  }
  return { total: Number.isSafeInteger(stored.total) ? stored.total : 0, projects };
}

export class MonthlyQuota {
  private readonly cache = new Map<string, PeriodCounts>();
  /** Periods changed since the ledger last took them. */
  private readonly dirty = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {}

  private counts(period: string): PeriodCounts {
    let counts = this.cache.get(period);
    if (!counts) {
      counts = countsFrom(this.storage.kv.get<StoredUsage>(KEY(period)));
      this.cache.set(period, counts);
    }
    return counts;
  }

  /** A month's usage, as the billing page and the admin API show it. */
  usage(period: string): PeriodUsage {
    const counts = this.counts(period);
    return { total: counts.total, projects: Object.fromEntries(counts.projects) };
  }

  /** Takes one request of the tier's month for `project`, or says why not. */
  reserve(period: string, project: string, tier: TierLimits): QuotaAnswer {
    const usage = this.counts(period);
    const known = [...usage.projects.keys()];
    if (tier.projects !== null && !usage.projects.has(project) && known.length >= tier.projects) {
      return { ok: false, reason: "project_limit", projects: known, limit: tier.projects };
    }
    if (tier.requestsPerMonth !== null && usage.total >= tier.requestsPerMonth) {
      return { ok: false, reason: "quota_exceeded", used: usage.total, limit: tier.requestsPerMonth, resetsAt: periodEnd(period) };
    }
    usage.total += 1;
    usage.projects.set(project, (usage.projects.get(project) ?? 0) + 1);
    this.save(period, usage);
    return { ok: true };
  }

  /** Gives back a unit reserved for a request that never reached the upstream. */
  refund(period: string, project: string): void {
    const usage = this.counts(period);
    if (usage.total > 0) usage.total -= 1;
    const requests = usage.projects.get(project) ?? 0;
    if (requests > 1) usage.projects.set(project, requests - 1);
    else usage.projects.delete(project);
    this.save(period, usage);
  }

  /**
   * Upserts of the ledger rows changed since the last written batch; call `written` once
   * D1 took them. Absolute counts, so writing one twice is harmless.
   */
  ledger(db: D1Database, userId: string | null): { statements: D1PreparedStatement[]; written: () => void } {
    if (!userId || this.dirty.size === 0) return { statements: [], written: () => {} };
    const periods = [...this.dirty];
    const statements = periods.flatMap((period) => [...this.counts(period).projects].map(([project, requests]) =>
      db.prepare(`INSERT INTO monthly_usage (user_id, period, project, requests) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (user_id, period, project) DO UPDATE SET requests = ?4, updated_at = datetime('now')`)
        .bind(userId, period, project, requests)));
    return { statements, written: () => periods.forEach((p) => this.dirty.delete(p)) };
  }

  private save(period: string, usage: PeriodCounts): void {
    this.storage.kv.put(KEY(period), { total: usage.total, projects: [...usage.projects] } satisfies StoredUsage);
    this.dirty.add(period);
  }
}

/** How many months of the ledger are kept (this one and the twelve before it). */
export const LEDGER_MONTHS = 13;

/** Deletes ledger months older than LEDGER_MONTHS (the cron's job; nothing breaks if it never runs). */
export async function pruneLedger(db: D1Database, now: number): Promise<number> {
  const date = new Date(now);
  const oldest = periodOf(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - (LEDGER_MONTHS - 1), 1));
  const result = await db.prepare("DELETE FROM monthly_usage WHERE period < ?").bind(oldest).run();
  return result.meta.changes;
}

/**
 * Makes the ledger's current month agree with the attendees' objects (which decide): each
 * attendee with a ledger row this month is asked for its counts, and any row that differs
 * is rewritten. The objects write the ledger with their log batches anyway; this catches a
 * batch whose ledger part was lost. At most `limit` attendees per run.
 */
export async function reconcileLedger(
  db: D1Database, countsOf: (userId: string, period: string) => Promise<PeriodUsage>, now: number, limit = 200,
): Promise<number> {
  const period = periodOf(now);
  const { results } = await db.prepare(
    "SELECT user_id, project, requests FROM monthly_usage WHERE period = ? AND user_id IN (SELECT DISTINCT user_id FROM monthly_usage WHERE period = ? ORDER BY updated_at LIMIT ?)",
  ).bind(period, period, limit).all<{ user_id: string; project: string; requests: number }>();
  const users = [...new Set(results.map((r) => r.user_id))];
  let fixed = 0;
  for (const userId of users) {
    const truth = await countsOf(userId, period);
    const ledger = new Map(results.filter((r) => r.user_id === userId).map((r) => [r.project, r.requests]));
    const statements = Object.entries(truth.projects)
      .filter(([project, requests]) => ledger.get(project) !== requests)
      .map(([project, requests]) => db.prepare(`INSERT INTO monthly_usage (user_id, period, project, requests) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (user_id, period, project) DO UPDATE SET requests = ?4, updated_at = datetime('now')`).bind(userId, period, project, requests));
    if (statements.length > 0) {
      await db.batch(statements);
      fixed += statements.length;
    }
  }
  return fixed;
}
