/** Saved segments: save, preview (count + sample), list, delete. */
import type { AdminEvent } from '../../types/admin'
import { AppError } from '../../types/result'
import { resolveRule } from '../../domain/segments'
import { actorOf, audit } from '../shared/audit'
import { db } from '../shared/cloud'
import type { Actions } from '../shared/handler'
import { findById, readAll } from '../shared/query'
import { segmentRule, segments, segmentWhere, type SegmentDoc } from '../shared/segments'
import { requireAdmin } from '../shared/access'

export const adminSegmentActions: Pick<Actions<AdminEvent>, 'saveSegment' | 'previewSegment' | 'listSegments' | 'deleteSegment'> = {
  async saveSegment(event, ctx) {
    await requireAdmin(ctx)
    const before = await findById<SegmentDoc>(segments, event.segmentId)
    const after = { name: event.name, rule: event.rule, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now }
    await segments.doc(event.segmentId).set({ data: after })
    await audit({ actor: actorOf(ctx), action: 'saveSegment', target: event.segmentId, before: before ? { name: before.name, rule: before.rule } : null, after: { name: after.name, rule: after.rule }, at: ctx.now })
    return { segmentId: event.segmentId, created: !before }
  },

  /** How many members the rule matches now, and a sample (member number, nickname, tier, stage, tags). */
  async previewSegment(event, ctx) {
    await requireAdmin(ctx)
    const rule = event.rule ? resolveRule(event.rule, ctx.now) : await segmentRule(event.segmentId!, ctx.now)
    if (!rule) throw new AppError('NOT_FOUND', `人群不存在：${event.segmentId}`)
    const query = db.collection('members').where(segmentWhere(rule))
    const [{ total }, sample] = await Promise.all([query.count(), event.sample ? query.orderBy('_id', 'asc').limit(event.sample).get() : Promise.resolve({ data: [] })])
    return {
      count: total,
      sample: sample.data.map(m => ({ openid: m._id, memberNo: m.memberNo, nickname: m.nickname, tierId: m.tierId ?? null, stage: m.stage ?? null, tags: m.tags ?? [] })),
    }
  },

  async listSegments(_event, ctx) {
    await requireAdmin(ctx)
    const list = await readAll(segments.orderBy('_id', 'asc'))
    return { segments: list.map(s => ({ segmentId: s._id, name: s.name, rule: s.rule, updatedAt: new Date(s.updatedAt).toISOString() })) }
  },

  async deleteSegment(event, ctx) {
    await requireAdmin(ctx)
    const before = await findById<SegmentDoc>(segments, event.segmentId)
    if (!before) throw new AppError('NOT_FOUND', `人群不存在：${event.segmentId}`)
    const inUse = await db.collection('coupon_templates').where({ 'audience.segmentId': event.segmentId, status: 'active' }).count()
    if (inUse.total) throw new AppError('FAILED_PRECONDITION', `有 ${inUse.total} 个启用中的券模板用到这个人群，请先修改或暂停`)
    await segments.doc(event.segmentId).remove()
    await audit({ actor: actorOf(ctx), action: 'deleteSegment', target: event.segmentId, before: { name: before.name, rule: before.rule }, after: null, at: ctx.now })
    return { deleted: true }
  },
}
