/** Saved segments: save, preview (count + sample), list, delete, export as CSV. */
import type { AdminActions } from './actions'
import { randomBytes } from 'crypto'
import { AppError } from '../../types/result'
import { SEGMENT_EXPORT_LINK_SECONDS, SEGMENT_EXPORT_MAX_ROWS, SegmentRuleSchema, type SegmentOutputs } from '../../types/segments'
import type { TierLadder } from '../../types/tiers'
import { segmentCsv, type SegmentCsvMember } from '../../domain/segment-csv'
import { resolveRule } from '../../domain/segments'
import { actorOf, audit } from '../shared/audit'
import { cloud } from '../shared/cloud'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { members } from '../shared/collections/members'
import { segments } from '../shared/collections/segments'
import type { CallContext } from '../shared/handler'
import { findById, readAll } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { inSegment, membershipView, newMembership, previewByRule, readySegment, ruleOf, segmentMembersById, segmentPassStep } from '../shared/segments'

/** What an export reads of each member (the CSV's columns). */
interface ExportedMemberDoc {
  _id: string
  memberNo?: string
  nickname?: string
  phone?: string | null
  tierId?: string
  stage?: string
  points?: number
  tags?: string[]
  stats?: { lastPurchaseAt?: Date | string | null }
}
const EXPORT_FIELDS = { memberNo: true, nickname: true, phone: true, tierId: true, stage: true, points: true, tags: true, stats: true } as const

/** `size`: what was found, e.g. 人群有 60,000 人 */
const tooMany = (size: string) => new AppError('FAILED_PRECONDITION', `${size}，超过单次导出上限 ${SEGMENT_EXPORT_MAX_ROWS.toLocaleString('en-US')} 人，请加条件缩小人群后再导出`)

function csvMember(doc: ExportedMemberDoc, ladder: TierLadder): SegmentCsvMember {
  const tierId = doc.tierId ?? ladder.tiers[0].tierId
  const last = doc.stats?.lastPurchaseAt
  return {
    memberNo: doc.memberNo ?? '',
    nickname: doc.nickname ?? '',
    phone: doc.phone ?? null,
    tierName: ladder.tiers.find(t => t.tierId === tierId)?.name ?? tierId,
    stage: doc.stage ?? null,
    points: doc.points ?? 0,
    tags: doc.tags ?? [],
    lastPurchaseAt: last ? new Date(last) : null,
  }
}

/**
 * Where an export goes: the private `exports/` folder (storage rules: nobody reads it but through a
 * signed link), under the operator who made it; the random part keeps two exports in one instant apart.
 */
function exportPath(ctx: CallContext, segmentId: string): string {
  const stamp = ctx.now.toISOString().replace(/[-:.]/g, '')
  return `exports/${actorOf(ctx)}/segment-${segmentId}-${stamp}-${randomBytes(4).toString('hex')}.csv`
}

/** A link to the file valid for `seconds` (the SDK takes `{ fileID, maxAge }` items besides plain fileIDs). */
async function shortLivedUrl(fileID: string, seconds: number): Promise<string> {
  const getTempFileURL = cloud.getTempFileURL.bind(cloud) as unknown as (o: { fileList: Array<{ fileID: string; maxAge: number }> }) => ReturnType<typeof cloud.getTempFileURL>
  const { fileList } = await getTempFileURL({ fileList: [{ fileID, maxAge: seconds }] })
  const link = fileList[0]
  if (!link || link.status !== 0 || !link.tempFileURL) throw new Error(`getTempFileURL ${fileID}: ${link?.errMsg ?? 'no answer'}`)
  return link.tempFileURL
}

/** a save looks for the members itself this long: a small brand's segment is ready at once */
const SAVE_PASS_MS = 3_000

const sampleRow = (m: Doc) => ({ openid: String(m._id), memberNo: m.memberNo, nickname: m.nickname, tierId: m.tierId ?? null, stage: m.stage ?? null, tags: m.tags ?? [] })

export const adminSegmentActions: Pick<AdminActions, 'saveSegment' | 'previewSegment' | 'listSegments' | 'deleteSegment' | 'exportSegment'> = {
  /**
   * Creates or replaces the segment. A new or changed rule starts finding its members (stored on them
   * as `segmentIds`): this call goes as far as SAVE_PASS_MS allows, the tiers timer does the rest.
   */
  async saveSegment(event, ctx) {
    const before = await findById(segments, event.segmentId)
    const sameRule = !!before?.membership && JSON.stringify(SegmentRuleSchema.parse(before.rule)) === JSON.stringify(event.rule)
    const membership = sameRule ? before!.membership! : newMembership(ctx.now)
    const after = { name: event.name, rule: event.rule, membership, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now }
    await segments.doc(event.segmentId).set({ data: after })
    await audit({
      actor: actorOf(ctx),
      action: 'saveSegment',
      target: event.segmentId,
      before: before ? { name: before.name, rule: before.rule } : null,
      after: { name: after.name, rule: after.rule },
      at: ctx.now,
    })
    const pass = sameRule ? null : await segmentPassStep({ now: ctx.now, budgetMs: SAVE_PASS_MS, segmentId: event.segmentId })
    return { segmentId: event.segmentId, created: !before, membership: pass?.state ?? membership.state }
  },

  /**
   * How many members a saved segment has and a sample (member number, nickname, tier, stage, tags): its
   * stored members once ready. A rule being tried out, or a segment still computing: counted over a
   * sample of the members (exact for a small brand).
   */
  async previewSegment(event, ctx) {
    const saved = event.segmentId ? await findById(segments, event.segmentId) : null
    if (event.segmentId && !saved) throw new AppError('NOT_FOUND', `人群不存在：${event.segmentId}`)
    const membership = saved ? membershipView(saved) : null
    if (saved && membership?.state === 'ready') {
      const query = members.where(inSegment(saved._id))
      const [{ total }, sample] = await Promise.all([query.count(), event.sample ? query.orderBy('_id', 'asc').limit(event.sample).get() : Promise.resolve({ data: [] })])
      return { count: total, estimated: false, sampled: 0, sample: sample.data.map(sampleRow), membership }
    }
    const rule = saved ? ruleOf(saved, ctx.now) : resolveRule(event.rule!, ctx.now)
    const byRule = await previewByRule(rule, event.sample)
    return { count: byRule.count, estimated: byRule.estimated, sampled: byRule.sampled, sample: byRule.sample.map(sampleRow), membership }
  },

  async listSegments() {
    const list = await readAll(segments.orderBy('_id', 'asc'))
    return { segments: list.map(s => ({ segmentId: s._id, name: s.name, rule: s.rule, updatedAt: new Date(s.updatedAt).toISOString(), membership: membershipView(s) })) }
  },

  async deleteSegment(event, ctx) {
    const before = await findById(segments, event.segmentId)
    if (!before) throw new AppError('NOT_FOUND', `人群不存在：${event.segmentId}`)
    const inUse = await couponTemplates.where({ 'audience.segmentId': event.segmentId, status: 'active' }).count()
    if (inUse.total) throw new AppError('FAILED_PRECONDITION', `有 ${inUse.total} 个启用中的券模板用到这个人群，请先修改或暂停`)
    await segments.doc(event.segmentId).remove()
    await audit({ actor: actorOf(ctx), action: 'deleteSegment', target: event.segmentId, before: { name: before.name, rule: before.rule }, after: null, at: ctx.now })
    return { deleted: true }
  },

  /**
   * 导出 CSV: the segment's stored members (at most SEGMENT_EXPORT_MAX_ROWS, counted before anything is
   * read), uploaded to the private exports/ folder; the audit row is written before the link is made,
   * so nobody gets the file without one. Phones are masked unless `includePhones`: only brand admins
   * reach this action (the access policy), and the audit row says which it was.
   */
  async exportSegment(event, ctx): Promise<SegmentOutputs['exportSegment']> {
    await readySegment(event.segmentId)
    const { total } = await members.where(inSegment(event.segmentId)).count()
    if (total > SEGMENT_EXPORT_MAX_ROWS) throw tooMany(`人群有 ${total.toLocaleString('en-US')} 人`)
    const [{ rules: ladder }, docs] = await Promise.all([
      loadRules(TIER_LADDER),
      segmentMembersById<ExportedMemberDoc>(event.segmentId, EXPORT_FIELDS, SEGMENT_EXPORT_MAX_ROWS, () => tooMany('人群在导出时变大了')),
    ])
    const csv = segmentCsv(
      docs.map(d => csvMember(d, ladder)),
      event.includePhones,
    )
    const { fileID } = await cloud.uploadFile({ cloudPath: exportPath(ctx, event.segmentId), fileContent: Buffer.from(csv, 'utf8') })
    await audit({ actor: actorOf(ctx), action: 'exportSegment', target: event.segmentId, before: null, after: { rows: docs.length, includePhones: event.includePhones }, fileId: fileID, at: ctx.now })
    const url = await shortLivedUrl(fileID, SEGMENT_EXPORT_LINK_SECONDS)
    return { fileId: fileID, url, expiresAt: new Date(ctx.now.getTime() + SEGMENT_EXPORT_LINK_SECONDS * 1000).toISOString(), rows: docs.length }
  },
}
