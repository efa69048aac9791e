/** Persists a domain wallet change: the member's balance and batches and the ledger rows, in one transaction. */
import type { WalletChange } from '../../domain/points'
import type { Member } from '../../types/member'
import type { LedgerDraft } from '../../types/points'
import type { Transaction } from './sdk-types'

/**
 * Ledger ids are derived from what caused the row, so the same cause can never be booked twice:
 * a second insert with the same id fails the transaction.
 */
export function ledgerId(entry: LedgerDraft): string {
  return entry.kind === 'expire' ? `expire:${entry.batchId}` : `${entry.kind}:${entry.sourceType}:${entry.sourceId}`
}

export async function applyWalletChange(t: Transaction, member: Member, change: WalletChange, meta: { now: Date; operator: string }): Promise<void> {
  await t
    .collection('members')
    .doc(member._id)
    .update({ data: { ...walletFields(change), updatedAt: meta.now } })
  await addLedgerRows(t, member._id, change, meta)
}

/** The member fields a wallet change sets, for a caller that writes them with its own update of the member (one request). */
export function walletFields(change: WalletChange): Pick<Member, 'points' | 'pointBatches'> {
  return { points: change.wallet.points, pointBatches: change.wallet.pointBatches }
}

/** The ledger rows of a change whose member fields (walletFields) the caller writes in the same transaction. */
export async function addLedgerRows(t: Transaction, memberId: string, change: WalletChange, meta: { now: Date; operator: string }): Promise<void> {
  // `seq` orders the rows of one change (they share createdAt): an expiry before the earn that caused it
  for (const [seq, entry] of change.entries.entries()) {
    await t.collection('points_ledger').add({ data: { _id: ledgerId(entry), memberId, ...entry, seq, createdAt: meta.now, operator: meta.operator } })
  }
}
