/** `points_ledger`: one row per balance change, its id derived from the cause (a cause is booked once). */
import type { LedgerDraft, LedgerItem, LedgerRow } from '../../../types/points'
import { collectionHandle } from '../collection'

/** a row as shared/wallet.ts writes it: `seq` orders the rows of one change (they share createdAt) */
export type LedgerDoc = LedgerRow & { seq: number }

export const ledger = collectionHandle<LedgerDoc>('points_ledger')

/**
 * Ledger ids are derived from what caused the row, so the same cause can never be booked twice:
 * a second insert with the same id fails the transaction.
 */
export function ledgerId(entry: LedgerDraft): string {
  return entry.kind === 'expire' ? `expire:${entry.batchId}` : `${entry.kind}:${entry.sourceType}:${entry.sourceId}`
}

export function toLedgerItem(row: LedgerDoc): LedgerItem {
  return {
    id: String(row._id),
    delta: row.delta,
    kind: row.kind,
    sourceType: row.sourceType,
    balanceAfter: row.balanceAfter,
    createdAt: new Date(row.createdAt).toISOString(),
    ...(row.reason ? { reason: row.reason } : {}),
  }
}

/** Newest first: rows of one transaction share createdAt and are ordered by `seq`. */
export function ledgerOf(memberId: string) {
  return ledger.where({ memberId }).orderBy('createdAt', 'desc').orderBy('seq', 'desc').orderBy('_id', 'desc')
}
