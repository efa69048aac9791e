/** 关怀任务 for staff: the caller's care tasks and their store's unassigned ones, and the 已发送 / 已回复 / 跳过 marks. */
import type { StaffActions } from './actions'
import type { CareTaskDoc } from '../../types/care-tasks'
import { AppError } from '../../types/result'
import { markPatch } from '../../domain/care-tasks'
import { auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import { careTasks, careTaskView } from '../shared/collections/care_tasks'
import { getInTransaction, transact } from '../shared/transaction'
import { requireStaff } from './till'

const STATUSES = { todo: ['open', 'sent'], done: ['replied', 'skipped'] } as const

/** The caller's own view: a task taken by someone else is not theirs to see. */
const mayAct = (task: CareTaskDoc, staff: { _id: string; storeId: string }) => task.assigneeId === staff._id || (task.assigneeId === null && task.storeId === staff.storeId)

export const staffCareActions: Pick<StaffActions, 'myCareTasks' | 'markCareTask'> = {
  async myCareTasks(event, ctx) {
    const staff = await requireStaff(ctx)
    const status = _.in([...STATUSES[event.status]])
    const [mine, pool] = await Promise.all([
      careTasks.where({ assigneeId: staff._id, status }).orderBy('createdAt', 'desc').limit(event.limit).get(),
      careTasks.where({ storeId: staff.storeId, assigneeId: null, status }).orderBy('createdAt', 'desc').limit(event.limit).get(),
    ])
    const items = [...mine.data, ...pool.data].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime()).slice(0, event.limit)
    return { items: items.map(careTaskView) }
  },

  async markCareTask(event, ctx) {
    const staff = await requireStaff(ctx)
    return transact(async t => {
      const task = await getInTransaction(t, careTasks, event.taskId)
      if (!task || !mayAct(task, staff)) throw new AppError('NOT_FOUND', '没有这条关怀任务')
      const patch = markPatch({ ...task, sentAt: task.sentAt ? new Date(task.sentAt) : null }, event.mark, staff._id, ctx.now, event.note)
      await careTasks.in(t).doc(event.taskId).update({ data: patch })
      await auditIn(t, {
        actor: staff._id,
        action: 'markCareTask',
        target: event.taskId,
        before: { status: task.status, assigneeId: task.assigneeId },
        after: { status: patch.status, assigneeId: patch.assigneeId },
        storeId: staff.storeId,
        at: ctx.now,
      })
      return { task: careTaskView({ ...task, ...patch } as CareTaskDoc) }
    })
  },
}
