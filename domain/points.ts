/**
 * The points ledger rules: pure functions over a member's wallet (balance + batches), time passed in.
 * Every function returns the new wallet and the ledger rows that explain the change, so that
 * `wallet.points == sum(batch.remaining) == sum(ledger deltas)` holds after every change.
 *
 * Rules:
 * - Earned points form a batch that expires at the end of the Nth calendar month (Shanghai) after
 *   the month it was earned (N = rules.expiryMonths, default 12).
 * - Before any change, batches past their expiry are expired (an `expire` row for what is left),
 *   so expired points are never spent.
 * - Spending takes from the batch that expires first (then the oldest).
 * - A refund reverses exactly the points its purchase earned: first from that purchase's batch,
 *   then from other unexpired batches; the balance never goes below zero — what could not be
 *   taken back (already spent) is recorded on the `reverse` row as `shortfall`, not charged.
 */
import dayjs from 'dayjs'
import { AppError } from '../types/result'
import type { LedgerDraft, LedgerKind, PointBatch, SourceType, Wallet } from '../types/points'
import { addMonths, shanghaiMonth, shanghaiMonthStart } from './time'

export interface WalletChange {
  wallet: Wallet
  entries: LedgerDraft[]
}

export interface Source {
  type: SourceType
  id: string
}

export const EXPIRING_SOON_DAYS = 30

/** The instant a batch earned at `earnedAt` expires: the start of the month after the Nth month. */
export function expiryFor(earnedAt: Date, expiryMonths: number): Date {
  return shanghaiMonthStart(addMonths(shanghaiMonth(earnedAt), expiryMonths + 1))
}

const byExpiry = (a: PointBatch, b: PointBatch) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.earnedAt.getTime() - b.earnedAt.getTime()

/** Points that can be spent now. */
export function availablePoints(wallet: Wallet, now: Date): number {
  return wallet.pointBatches.filter(b => b.expiresAt > now).reduce((s, b) => s + b.remaining, 0)
}

/** Writes `expire` rows for what is left of every batch past its expiry. */
export function expireDue(wallet: Wallet, now: Date): WalletChange {
  let balance = wallet.points
  const entries: LedgerDraft[] = []
  const kept: PointBatch[] = []
  for (const batch of [...wallet.pointBatches].sort(byExpiry)) {
    if (batch.expiresAt <= now) {
      if (batch.remaining > 0) {
        balance -= batch.remaining
        entries.push({ delta: -batch.remaining, kind: 'expire', sourceType: 'expiry', sourceId: batch.batchId, batchId: batch.batchId, balanceAfter: balance })
      }
    } else if (batch.remaining > 0) kept.push(batch)
  }
  return { wallet: { points: balance, pointBatches: kept }, entries }
}

/** Adds `amount` points as a new batch (kind `earn`, or `adjust` for an admin's positive adjustment). */
export function earnPoints(wallet: Wallet, amount: number, opts: { now: Date; expiryMonths: number; source: Source; batchId: string; kind?: LedgerKind; reason?: string }): WalletChange {
  assertWholePoints(amount, 0)
  const expired = expireDue(wallet, opts.now)
  if (amount === 0) return expired
  const batch: PointBatch = { batchId: opts.batchId, earnedAt: opts.now, expiresAt: expiryFor(opts.now, opts.expiryMonths), remaining: amount, sourceType: opts.source.type, sourceId: opts.source.id }
  const points = expired.wallet.points + amount
  return {
    wallet: { points, pointBatches: [...expired.wallet.pointBatches, batch] },
    entries: [
      ...expired.entries,
      {
        delta: amount,
        kind: opts.kind ?? 'earn',
        sourceType: opts.source.type,
        sourceId: opts.source.id,
        batchId: batch.batchId,
        balanceAfter: points,
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    ],
  }
}

/** Spends `amount` points, oldest-expiring first; INSUFFICIENT_POINTS when the unexpired points are fewer. */
export function spendPoints(wallet: Wallet, amount: number, opts: { now: Date; source: Source; kind?: LedgerKind; reason?: string }): WalletChange {
  assertWholePoints(amount, 1)
  const expired = expireDue(wallet, opts.now)
  const available = availablePoints(expired.wallet, opts.now)
  if (amount > available) throw new AppError('INSUFFICIENT_POINTS', `可用积分不足：需要 ${amount}，可用 ${available}`)
  const { batches, consumed } = take(expired.wallet.pointBatches, amount)
  const points = expired.wallet.points - amount
  return {
    wallet: { points, pointBatches: batches },
    entries: [
      ...expired.entries,
      {
        delta: -amount,
        kind: opts.kind ?? 'spend',
        sourceType: opts.source.type,
        sourceId: opts.source.id,
        batchId: null,
        consumed,
        balanceAfter: points,
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    ],
  }
}

/** Takes back `amount` points a purchase earned into `batchId` (see the refund rule above). */
export function reversePoints(wallet: Wallet, amount: number, opts: { now: Date; batchId: string; source: Source; reason?: string }): WalletChange & { reversed: number; shortfall: number } {
  assertWholePoints(amount, 0)
  const expired = expireDue(wallet, opts.now)
  if (amount === 0) return { ...expired, reversed: 0, shortfall: 0 }
  // the purchase's own batch first, then the others in spending order
  const own = expired.wallet.pointBatches.filter(b => b.batchId === opts.batchId)
  const others = expired.wallet.pointBatches.filter(b => b.batchId !== opts.batchId).sort(byExpiry)
  const wanted = Math.min(amount, expired.wallet.points)
  const { batches, consumed } = take([...own, ...others], wanted, false)
  const points = expired.wallet.points - wanted
  const shortfall = amount - wanted
  return {
    wallet: { points, pointBatches: batches.sort(byExpiry) },
    entries: [
      ...expired.entries,
      {
        delta: -wanted,
        kind: 'reverse',
        sourceType: opts.source.type,
        sourceId: opts.source.id,
        batchId: opts.batchId,
        consumed,
        balanceAfter: points,
        ...(shortfall ? { shortfall } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    ],
    reversed: wanted,
    shortfall,
  }
}

/** Points to take back when `refundedFenAfter` of a purchase of `amountFen` is refunded in total. */
export function pointsToReverse(purchase: { amountFen: number; pointsEarned: number; pointsReversed: number }, refundedFenAfter: number): number {
  const dueInTotal = refundedFenAfter >= purchase.amountFen ? purchase.pointsEarned : Math.floor((purchase.pointsEarned * refundedFenAfter) / purchase.amountFen)
  return Math.max(0, dueInTotal - purchase.pointsReversed)
}

/** Points expiring within EXPIRING_SOON_DAYS, with the earliest date (ISO), for the member card. */
export function expiringSoon(wallet: Wallet, now: Date): { amount: number; date: string } | null {
  const horizon = dayjs(now).add(EXPIRING_SOON_DAYS, 'day').toDate()
  const soon = wallet.pointBatches.filter(b => b.expiresAt > now && b.expiresAt <= horizon && b.remaining > 0).sort(byExpiry)
  if (!soon.length) return null
  return { amount: soon.reduce((s, b) => s + b.remaining, 0), date: soon[0].expiresAt.toISOString() }
}

/** Takes `amount` from batches in the given order (sorted by expiry unless `sort` is false). */
function take(batches: PointBatch[], amount: number, sort = true): { batches: PointBatch[]; consumed: Array<{ batchId: string; amount: number }> } {
  let left = amount
  const consumed: Array<{ batchId: string; amount: number }> = []
  const out: PointBatch[] = []
  for (const batch of sort ? [...batches].sort(byExpiry) : batches) {
    const used = Math.min(left, batch.remaining)
    left -= used
    if (used > 0) consumed.push({ batchId: batch.batchId, amount: used })
    if (batch.remaining - used > 0) out.push({ ...batch, remaining: batch.remaining - used })
  }
  return { batches: out, consumed }
}

function assertWholePoints(amount: number, min: number): void {
  if (!Number.isSafeInteger(amount) || amount < min) throw new AppError('INVALID_ARGUMENT', `积分必须是不小于 ${min} 的整数`)
}
