/** Follow-ups of detractors' NPS answers, for the staff of the store where they bought. */
import type { StaffActions } from './actions'
import type { FollowUpView } from '../../types/nps'
import { AppError } from '../../types/result'
import { auditIn } from '../shared/audit'
import { db } from '../shared/cloud'
import type { Doc } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'
import { requireStaff } from './till'

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null)

function followUpView(d: Doc): FollowUpView {
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
    note: d.note ? String(d.note) : null,
  }
}

export const staffNpsActions: Pick<StaffActions, 'followUps' | 'closeFollowUp'> = {
  async followUps(event, ctx) {
    const staff = await requireStaff(ctx)
    const { data } = await db.collection('follow_ups').where({ storeId: staff.storeId, status: event.status }).orderBy('createdAt', 'desc').limit(event.limit).get()
    return { items: data.map(followUpView) }
  },

  /** Only the store's own follow-ups, once; the note says what the call or visit found. */
  async closeFollowUp(event, ctx) {
    const staff = await requireStaff(ctx)
    return transact(async t => {
      const row = await getInTransaction<Doc>(t, 'follow_ups', event.followUpId)
      if (!row || row.storeId !== staff.storeId) throw new AppError('NOT_FOUND', '没有这条回访任务')
      if (row.status === 'closed') throw new AppError('FAILED_PRECONDITION', '这条回访已完成')
      const patch = { status: 'closed', closedAt: ctx.now, closedBy: staff._id, note: event.note }
      await t.collection('follow_ups').doc(event.followUpId).update({ data: patch })
      await auditIn(t, {
        actor: staff._id,
        action: 'closeFollowUp',
        target: event.followUpId,
        before: { status: 'open' },
        after: { status: 'closed', note: event.note },
        storeId: staff.storeId,
        at: ctx.now,
      })
      return { followUp: followUpView({ ...row, ...patch }) }
    })
  },
}
