/** `care_tasks`: one-to-one care tasks (关怀任务) for a member's advisor or their store's staff (types/care-tasks.ts). */
import { CARE_KIND_LABELS, type CareKind, type CareTaskDoc, type CareTaskView } from '../../../types/care-tasks'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export type { CareTaskDoc }

export const careTasks = collectionHandle<CareTaskDoc>('care_tasks')

/** One task per member, kind and occasion: a rerun finds the first one. */
export const careTaskIdOf = (kind: CareKind, memberId: string, occasion: string) => derivedId('care', kind, memberId, occasion)

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null)

export function careTaskView(d: CareTaskDoc): CareTaskView {
  return {
    taskId: String(d._id),
    kind: d.kind,
    kindLabel: CARE_KIND_LABELS[d.kind] ?? d.kind,
    memberNo: String(d.memberNo),
    nickname: String(d.nickname ?? ''),
    reason: String(d.reason ?? ''),
    message: String(d.message ?? ''),
    status: d.status,
    assigned: d.assigneeId ? 'mine' : 'pool',
    template: d.templateStatus ?? 'none',
    createdAt: iso(d.createdAt)!,
    sentAt: iso(d.sentAt),
    repliedAt: iso(d.repliedAt),
    bought: !!d.boughtAt,
  }
}
