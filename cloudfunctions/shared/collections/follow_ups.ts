/** `follow_ups`: a store's task to call back a detractor (one per NPS answer), closed by its staff. */
import type { FollowUpView } from '../../../types/nps'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface FollowUpDoc {
  _id: string
  storeId: string
  responseId: string
  memberId: string
  memberNo: string
  nickname: string
  score: number
  comment: string
  purchaseId: string
  amountFen: number
  status: 'open' | 'closed'
  createdAt: Date
  closedAt: Date | null
  closedBy: string | null
  note: string | null
  /** why it closed without the staff: the member deleted the account (domain/privacy.ts MEMBER_DELETED_REASON) */
  closedReason?: string
}

export const followUps = collectionHandle<FollowUpDoc>('follow_ups')

export const followUpIdOf = (responseId: string) => derivedId('fup', responseId)

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null)

export function followUpView(d: FollowUpDoc): FollowUpView {
  return {
    followUpId: String(d._id),
    memberNo: String(d.memberNo),
    nickname: String(d.nickname ?? ''),
    score: Number(d.score),
    comment: String(d.comment ?? ''),
    purchaseId: String(d.purchaseId),
    amountFen: Number(d.amountFen ?? 0),
    status: d.status === 'closed' ? 'closed' : 'open',
    createdAt: iso(d.createdAt)!,
    closedAt: iso(d.closedAt),
    // closed by the member's account deletion: the reason (会员已注销) in place of a staff note
    note: d.note ? String(d.note) : d.closedReason ? String(d.closedReason) : null,
  }
}
