/** Persists a domain wallet change: the member's balance and batches and the ledger rows, in one transaction. */
import type { WalletChange } from '../../domain/points'
import type { Member } from '../../types/member'
import { members } from './collections/members'
import { ledger, ledgerId } from './collections/points_ledger'
import type { Transaction } from './sdk-types'

export { ledgerId }

export async function applyWalletChange(t: Transaction, member: Member, change: WalletChange, meta: { now: Date; operator: string }): Promise<void> {
  await members
    .in(t)
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
    await ledger.in(t).add({ data: { _id: ledgerId(entry), memberId, ...entry, seq, createdAt: meta.now, operator: meta.operator } })
  }
}
