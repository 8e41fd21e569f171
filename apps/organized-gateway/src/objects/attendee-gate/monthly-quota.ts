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

export class MonthlyQuota {
  private readonly cache = new Map<string, PeriodUsage>();
  /** Periods changed since the ledger last took them. */
  private readonly dirty = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {}

  usage(period: string): PeriodUsage {
    let usage = this.cache.get(period);
    if (!usage) {
      usage = this.storage.kv.get<PeriodUsage>(KEY(period)) ?? { total: 0, projects: {} };
      this.cache.set(period, usage);
    }
    return usage;
  }

  /** Takes one request of the tier's month for `project`, or says why not. */
  reserve(period: string, project: string, tier: TierLimits): QuotaAnswer {
    const usage = this.usage(period);
    const known = Object.keys(usage.projects);
    if (tier.projects !== null && !(project in usage.projects) && known.length >= tier.projects) {
      return { ok: false, reason: "project_limit", projects: known, limit: tier.projects };
    }
    if (tier.requestsPerMonth !== null && usage.total >= tier.requestsPerMonth) {
      return { ok: false, reason: "quota_exceeded", used: usage.total, limit: tier.requestsPerMonth, resetsAt: periodEnd(period) };
    }
    usage.total += 1;
    usage.projects[project] = (usage.projects[project] ?? 0) + 1;
    this.save(period, usage);
    return { ok: true };
  }

  /** Gives back a unit reserved for a request that never reached the upstream. */
  refund(period: string, project: string): void {
    const usage = this.usage(period);
    if (usage.total > 0) usage.total -= 1;
    if ((usage.projects[project] ?? 0) > 1) usage.projects[project] -= 1;
    else delete usage.projects[project];
    this.save(period, usage);
  }

  /**
   * Upserts of the ledger rows changed since the last written batch; call `written` once
   * D1 took them. Absolute counts, so writing one twice is harmless.
   */
  ledger(db: D1Database, userId: string | null): { statements: D1PreparedStatement[]; written: () => void } {
    if (!userId || this.dirty.size === 0) return { statements: [], written: () => {} };
    const periods = [...this.dirty];
    const statements = periods.flatMap((period) => Object.entries(this.usage(period).projects).map(([project, requests]) =>
      db.prepare(`INSERT INTO monthly_usage (user_id, period, project, requests) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (user_id, period, project) DO UPDATE SET requests = ?4, updated_at = datetime('now')`)
        .bind(userId, period, project, requests)));
    return { statements, written: () => periods.forEach((p) => this.dirty.delete(p)) };
  }

  private save(period: string, usage: PeriodUsage): void {
    this.storage.kv.put(KEY(period), usage);
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
