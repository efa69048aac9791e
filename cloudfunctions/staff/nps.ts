/** Follow-ups of detractors' NPS answers, for the staff of the store where they bought. */
import type { StaffActions } from './actions'
import { AppError } from '../../types/result'
import { auditIn } from '../shared/audit'
import { followUps, followUpView } from '../shared/collections/follow_ups'
import { getInTransaction, transact } from '../shared/transaction'
import { requireStaff } from './till'

export const staffNpsActions: Pick<StaffActions, 'followUps' | 'closeFollowUp'> = {
  async followUps(event, ctx) {
    const staff = await requireStaff(ctx)
    const { data } = await followUps.where({ storeId: staff.storeId, status: event.status }).orderBy('createdAt', 'desc').limit(event.limit).get()
    return { items: data.map(followUpView) }
  },

  /** Only the store's own follow-ups, once; the note says what the call or visit found. */
  async closeFollowUp(event, ctx) {
    const staff = await requireStaff(ctx)
    return transact(async t => {
      const row = await getInTransaction(t, followUps, event.followUpId)
      if (!row || row.storeId !== staff.storeId) throw new AppError('NOT_FOUND', '没有这条回访任务')
      if (row.status === 'closed') throw new AppError('FAILED_PRECONDITION', '这条回访已完成')
      const patch = { status: 'closed' as const, closedAt: ctx.now, closedBy: staff._id, note: event.note }
      await followUps.in(t).doc(event.followUpId).update({ data: patch })
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
