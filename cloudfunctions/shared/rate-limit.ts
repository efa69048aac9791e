/**
 * Fixed-window counters in `rate_limits` (`<scope>:<subject>:<window>`, with `calls` and an
 * `expiresAt` for cleanup): the one mechanism behind every per-caller limit. A slot is taken
 * atomically: inside a transaction (`takeSlotIn`, when the limited write is transactional too) or
 * by a conditional update of the counter (`takeSlot`: `calls < limit` → `calls + 1`), so parallel
 * calls never get more slots than the limit.
 */
import { _ } from './cloud'
import { rateLimits } from './collections/rate_limits'
import type { Transaction } from './sdk-types'
import { getInTransaction, isDuplicateKey } from './transaction'

export interface Window {
  /** what is limited, e.g. `track`, `verify-staff` */
  scope: string
  /** who is limited (an OPENID, a member number) */
  subject: string
  limit: number
  windowMs: number
}

/** The counter's id for the window `now` falls in, and when the counter may be deleted. */
export function windowOf(w: Window, now: Date): { id: string; expiresAt: Date } {
  const start = Math.floor(now.getTime() / w.windowMs) * w.windowMs
  // minute windows keep the readable id `track` has always used
  const label = w.windowMs === 60_000 ? new Date(start).toISOString().slice(0, 16) : String(start)
  return { id: `${w.scope}:${w.subject}:${label}`, expiresAt: new Date(start + w.windowMs + 3_600_000) }
}

/** Takes a slot inside a transaction; false when the window is full (nothing written). */
export async function takeSlotIn(t: Transaction, w: Window, now: Date): Promise<boolean> {
  const { id, expiresAt } = windowOf(w, now)
  const counter = await getInTransaction(t, rateLimits, id)
  const calls = counter?.calls ?? 0
  if (calls >= w.limit) return false
  if (counter)
    await rateLimits
      .in(t)
      .doc(id)
      .update({ data: { calls: calls + 1 } })
  else await rateLimits.in(t).add({ data: { _id: id, calls: 1, expiresAt } })
  return true
}

/** Takes a slot with one conditional update (no transaction); false when the window is full. */
export async function takeSlot(w: Window, now: Date): Promise<boolean> {
  const { id, expiresAt } = windowOf(w, now)
  for (let attempt = 0; attempt < 5; attempt++) {
    const { stats } = await rateLimits.where({ _id: id, calls: _.lt(w.limit) }).update({ data: { calls: _.inc(1) } })
    if (stats.updated) return true
    const existing = await rateLimits.where({ _id: id }).count()
    if (existing.total) return false
    try {
      await rateLimits.add({ data: { _id: id, calls: 1, expiresAt } })
      return true
    } catch (err) {
      // another call created it first: take a slot in it
      if (!isDuplicateKey(err)) throw err
    }
  }
  return false
}

/** Takes a slot in every window, or in none: the first full window, or null when all were taken. */
export async function takeSlots(windows: Window[], now: Date): Promise<Window | null> {
  const taken = await Promise.all(windows.map(w => takeSlot(w, now)))
  const full = windows.find((_w, i) => !taken[i])
  if (!full) return null
  await Promise.all(windows.filter((_w, i) => taken[i]).map(w => returnSlot(w, now)))
  return full
}

/** Gives a slot back (the limited thing turned out not to count). */
export async function returnSlot(w: Window, now: Date): Promise<void> {
  const { id } = windowOf(w, now)
  await rateLimits.where({ _id: id, calls: _.gt(0) }).update({ data: { calls: _.inc(-1) } })
}

/** Deletes the counters whose window has passed (the daily job): the collection does not grow with use. */
export async function removeExpiredCounters(now: Date): Promise<number> {
  const { stats } = await rateLimits.where({ expiresAt: _.lt(now) }).remove()
  return stats?.removed ?? 0
}

/** The first of the windows that is full, without taking a slot (one read), or null. */
export async function fullWindow(windows: Window[], now: Date): Promise<Window | null> {
  const ids = windows.map(w => windowOf(w, now).id)
  const { data } = await rateLimits
    .where({ _id: _.in(ids) })
    .limit(ids.length)
    .get()
  const calls = new Map<string, number>(data.map(d => [String(d._id), Number(d.calls)]))
  return windows.find((w, i) => (calls.get(ids[i]) ?? 0) >= w.limit) ?? null
}
