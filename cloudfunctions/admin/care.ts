/** 关怀任务 report: the tasks created in a date range (Shanghai days) by kind, store and staff, with the 7-day buy rate. */
import type { AdminActions } from './actions'
import type { Member360CareTask } from '../../types/console'
import { CARE_KIND_LABELS } from '../../types/care-tasks'
import { careReport } from '../../domain/care-tasks'
import { rangeBounds } from '../../domain/report'
import { _ } from '../shared/cloud'
import { careTasks } from '../shared/collections/care_tasks'
import { staffRows } from '../shared/collections/staff'
import { docsByIds, readAll } from '../shared/query'

export const adminCareActions: Pick<AdminActions, 'careReport'> = {
  async careReport(event) {
    const { start, end } = rangeBounds({ from: event.from, to: event.to })
    const range = _.gte(start).and(_.lt(end))
    const rows = await readAll(careTasks.where({ createdAt: range }).orderBy('createdAt', 'asc').field({ kind: true, storeId: true, assigneeId: true, status: true, sentAt: true, boughtAt: true }))
    const staffIds = [...new Set(rows.map(r => r.assigneeId).filter((x): x is string => !!x))]
    const staff = await docsByIds(staffRows, staffIds, { name: true })
    const names = Object.fromEntries([...staff].map(([id, s]) => [id, String(s.name)]))
    return careReport(
      rows.map(r => ({ ...r, storeId: r.storeId ?? null, assigneeId: r.assigneeId ?? null, sentAt: r.sentAt ? new Date(r.sentAt) : null, boughtAt: r.boughtAt ? new Date(r.boughtAt) : null })),
      { from: event.from, to: event.to },
      names,
    )
  },
}

/** 关怀任务 in member 360, newest first (index memberId_createdAt); a manager's: their store's. */
export async function careTasksOf(memberId: string, storeId: string | null, limit: number): Promise<Member360CareTask[]> {
  const { data } = await careTasks
    .where({ memberId, ...(storeId ? { storeId } : {}) })
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .get()
  const staffIds = [...new Set(data.map(t => t.assigneeId).filter((x): x is string => !!x))]
  const staff = await docsByIds(staffRows, staffIds, { name: true })
  return data.map(t => ({
    kindLabel: CARE_KIND_LABELS[t.kind] ?? t.kind,
    status: t.status,
    assigneeName: t.assigneeId ? String(staff.get(t.assigneeId)?.name ?? '已停用店员') : null,
    reason: t.reason,
    template: t.templateStatus ?? 'none',
    createdAt: new Date(t.createdAt).toISOString(),
  }))
}
