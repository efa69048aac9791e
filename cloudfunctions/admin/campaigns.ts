/**
 * Campaigns with a holdout: a coupon and/or a subscribe message for a saved segment, minus a random
 * holdout group, and the lift of the treated group's purchases over the holdout's during the window.
 *
 * `startCampaign` snapshots the segment into `campaign_members` (one row per member, group fixed by
 * a hash of campaign and member), then issues the coupon to the treated rows still pending. A call
 * that runs out of time answers `starting`; calling again with the same spec continues. Once it is
 * `running`, the hourly reminders run sends the message (kind `campaign`, shared/reminders.ts) to
 * treated members who accepted its template, with the usual cap and quiet hours.
 */
import type { AdminActions } from './actions'
import {
  MAX_CAMPAIGN_AUDIENCE,
  type CampaignCouponForecast,
  type CampaignDryRun,
  type CampaignReport,
  type CampaignSpec,
  type CampaignStartAnswer,
  type CampaignStatus,
  type CampaignView,
} from '../../types/campaigns'
import type { ChartView } from '../../types/console'
import type { CouponTemplate } from '../../types/coupons'
import { AppError } from '../../types/result'
import { campaignGroup, forecastCampaignCoupons, liftChartOption, liftReport, type CampaignGroup, type ForecastMember, type GroupOutcome, type LiftReport } from '../../domain/campaigns'
import { actorOf, auditIn } from '../shared/audit'
import { chartSvg } from '../shared/charts'
import { _ } from '../shared/cloud'
import { campaignMemberId as rowId, campaignMembers, type CampaignMemberDoc } from '../shared/collections/campaign_members'
import { campaigns, type CampaignDoc } from '../shared/collections/campaigns'
import { couponClaims } from '../shared/collections/coupon_claims'
import { codePoolId, codePools } from '../shared/collections/coupon_codes'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { couponIdFor, coupons } from '../shared/collections/coupons'
import { members } from '../shared/collections/members'
import { purchases as purchaseRows } from '../shared/collections/purchases'
import { remindersLog } from '../shared/collections/reminders_log'
import { subscriptions } from '../shared/collections/subscriptions'
import { issueCouponIn } from '../shared/coupons'
import { isDeleted, parseMember } from '../shared/members'
import { findById, readAll } from '../shared/query'
import { inSegment, readySegment, segmentRule } from '../shared/segments'
import { getInTransaction, isDuplicateKey, transact } from '../shared/transaction'
import { loadRules, REMINDER_CONFIG } from '../shared/rules'
import { REASON_BY_CODE } from './coupons'

const DAY_MS = 86_400_000
/** issuing stops starting new members after this long (the function's timeout is 20 s) */
const ISSUE_TIME_BUDGET_MS = 12_000
const ISSUE_CONCURRENCY = 4
const INSERT_BATCH = 500
/** `_.in` lists per query when joining purchases and coupons to the audience */
const JOIN_CHUNK = 100

const couponIdOf = couponIdFor.campaign
const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_x, i) => xs.slice(i * n, i * n + n))
/** What a second start with the same campaignId must agree on (message compared as JSON, absent = null). */
const specFields = (c: { segmentId: string; templateId?: string | null; holdoutPercent: number; windowDays: number; message?: CampaignSpec['message'] | null }) => ({
  segmentId: c.segmentId,
  templateId: c.templateId ?? null,
  holdoutPercent: c.holdoutPercent,
  windowDays: c.windowDays,
  message: JSON.stringify(c.message ?? null),
})

function statusOf(c: CampaignDoc, now: Date): CampaignStatus {
  if (c.status === 'starting') return 'starting'
  return now.getTime() < new Date(c.endsAt).getTime() ? 'running' : 'finished'
}

function campaignView(c: CampaignDoc, now: Date): CampaignView {
  return {
    campaignId: c._id,
    name: c.name,
    segmentId: c.segmentId,
    templateId: c.templateId,
    message: c.message ?? null,
    holdoutPercent: c.holdoutPercent,
    windowDays: c.windowDays,
    status: statusOf(c, now),
    audience: c.audience,
    treated: c.treated,
    holdout: c.holdout,
    startedAt: new Date(c.startedAt).toISOString(),
    endsAt: new Date(c.endsAt).toISOString(),
  }
}

/** A message nobody could receive is a mistake to refuse, not a campaign to start. Answers the template id. */
async function checkMessageKind(): Promise<string> {
  const { rules } = await loadRules(REMINDER_CONFIG)
  const kind = rules.kinds.campaign
  if (!kind.enabled || !kind.templateId) throw new AppError('FAILED_PRECONDITION', '活动消息需要先在提醒设置中启用「活动通知」（kinds.campaign）并填写模板 ID（setReminderConfig）')
  return kind.templateId
}

/**
 * For a dry run: how many of `memberIds` hold a grant of the message template now — at most that
 * many can get the message (a member's switch, the weekly cap and other due reminders can still
 * hold one back; dryRunReminders tells exactly once the campaign runs).
 */
async function withGrant(memberIds: string[], templateId: string): Promise<number> {
  const parts = chunks(memberIds, JOIN_CHUNK)
  let total = 0
  for (let i = 0; i < parts.length; i += ISSUE_CONCURRENCY) {
    const counts = await Promise.all(parts.slice(i, i + ISSUE_CONCURRENCY).map(async ids => (await subscriptions.where({ _id: _.in(ids), [`quota.${templateId}`]: _.gt(0) }).count()).total))
    total += counts.reduce((a, b) => a + b, 0)
  }
  return total
}

async function checkTemplate(templateId: string): Promise<CouponTemplate> {
  const template = await findById(couponTemplates, templateId)
  if (!template) throw new AppError('NOT_FOUND', `券模板不存在：${templateId}`)
  if (!template.channels.includes('admin')) throw new AppError('FAILED_PRECONDITION', '该券模板不允许后台发放（channels 未包含 admin）')
  if (template.status !== 'active') throw new AppError('FAILED_PRECONDITION', '该券模板已暂停')
  return template
}

type AudienceRow = { memberId: string; group: CampaignGroup; doc: ForecastMember }

/**
 * The segment's stored members (kept daily), split into groups. `withDocs`: read whole member docs (a dry run whose
 * template has a tiers, tags or segment audience checks each member), else only their ids.
 */
async function audienceOf(spec: CampaignSpec, withDocs = false): Promise<AudienceRow[]> {
  await readySegment(spec.segmentId)
  const query = members.where(inSegment(spec.segmentId)).orderBy('_id', 'asc')
  const docs = await readAll(withDocs ? query : query.field({ _id: true }), MAX_CAMPAIGN_AUDIENCE + 1)
  if (docs.length > MAX_CAMPAIGN_AUDIENCE) throw new AppError('FAILED_PRECONDITION', `人群超过 ${MAX_CAMPAIGN_AUDIENCE} 人，请缩小人群`)
  if (!docs.length) throw new AppError('FAILED_PRECONDITION', '人群当前没有会员')
  return docs.map(d => ({ memberId: String(d._id), group: campaignGroup(spec.campaignId, String(d._id), spec.holdoutPercent), doc: d as ForecastMember }))
}

/**
 * A new campaign's dry run of the coupon: loads what issuing checks (members already at the
 * template's per-member limit — bounded by what the template issued —, its partner-code pool, a
 * segment audience's rule) and lets the domain count who would get it.
 */
async function couponForecast(template: CouponTemplate, treated: AudienceRow[], now: Date): Promise<CampaignCouponForecast> {
  const atLimit = await readAll(
    couponClaims
      .where({ templateId: template._id, count: _.gte(template.perMemberLimit) })
      .orderBy('memberId', 'asc')
      .field({ memberId: true }),
  )
  const pool = await findById(codePools, codePoolId(template._id))
  const segment = template.audience.kind === 'segment' ? await segmentRule(template.audience.segmentId, now) : null
  return forecastCampaignCoupons({
    template,
    treated: treated.map(t => t.doc),
    atLimit: new Set(atLimit.map(c => String(c.memberId))),
    codesLeft: pool ? Math.max(0, pool.imported - pool.assigned) : null,
    segment,
    now,
  })
}

/** A started campaign's coupon rows: issued, still pending (what continuing tries) and why rows were skipped. */
async function startedForecast(campaignId: string, counts: Record<'issued' | 'skipped' | 'pending', number>): Promise<CampaignCouponForecast> {
  const skipped: Record<string, number> = {}
  if (counts.skipped) {
    const rows = await readAll(campaignMembers.where({ campaignId, outcome: 'skipped' }).orderBy('_id', 'asc').field({ reason: true }))
    for (const r of rows) skipped[r.reason ?? '未知原因'] = (skipped[r.reason ?? '未知原因'] ?? 0) + 1
  }
  return { wouldIssue: counts.pending, alreadyIssued: counts.issued, skipped }
}

/**
 * Writes the audience rows not written yet (a start killed half way wrote some batches; a parallel
 * start may be writing the same ones), then fixes the group counts from the rows themselves.
 */
async function completeSnapshot(campaign: CampaignDoc, audience: Array<{ memberId: string; group: CampaignGroup }>, now: Date): Promise<CampaignDoc> {
  const campaignId = campaign._id
  for (const batch of chunks(audience, INSERT_BATCH)) {
    const rows: CampaignMemberDoc[] = batch.map(a => ({
      _id: rowId(campaignId, a.memberId),
      campaignId,
      memberId: a.memberId,
      group: a.group,
      outcome: a.group === 'holdout' ? 'holdout' : campaign.templateId ? 'pending' : 'no_coupon',
      couponId: null,
      reason: null,
    }))
    for (let missing = rows, attempt = 1; missing.length; attempt++) {
      try {
        await campaignMembers.add({ data: missing })
        break
      } catch (err) {
        if (!isDuplicateKey(err) || attempt === 3) throw err
        const have = new Set<string>()
        for (const ids of chunks(
          missing.map(r => r._id),
          JOIN_CHUNK,
        ))
          for (const d of (
            await campaignMembers
              .where({ _id: _.in(ids) })
              .field({ _id: true })
              .limit(JOIN_CHUNK)
              .get()
          ).data)
            have.add(String(d._id))
        missing = missing.filter(r => !have.has(r._id))
      }
    }
  }
  const count = async (group: CampaignGroup) => (await campaignMembers.where({ campaignId, group }).count()).total
  const [treated, holdout] = await Promise.all([count('treated'), count('holdout')])
  const counts = { snapshotDone: true, audience: treated + holdout, treated, holdout }
  await campaigns.doc(campaignId).update({ data: { ...counts, updatedAt: now } })
  return { ...campaign, ...counts }
}

/** Issues the coupon to pending treated rows until the time budget runs out; true when none is left. */
async function issuePending(campaign: CampaignDoc, now: Date): Promise<boolean> {
  const started = Date.now()
  for (;;) {
    const { data } = await campaignMembers
      .where({ campaignId: campaign._id, outcome: 'pending' })
      .orderBy('_id', 'asc')
      .limit(ISSUE_CONCURRENCY * 25)
      .get()
    if (!data.length) return true
    let next = 0
    await Promise.all(
      Array.from({ length: ISSUE_CONCURRENCY }, async () => {
        while (next < data.length && Date.now() - started < ISSUE_TIME_BUDGET_MS) await issueOne(campaign, data[next++], now)
      }),
    )
    if (Date.now() - started >= ISSUE_TIME_BUDGET_MS) return false
  }
}

async function issueOne(campaign: CampaignDoc, row: CampaignMemberDoc, now: Date): Promise<void> {
  if (!campaign.templateId) return
  const templateId = campaign.templateId
  const couponId = couponIdOf(campaign._id, row.memberId)
  try {
    await transact(async t => {
      const current = await getInTransaction(t, campaignMembers, row._id)
      if (current?.outcome !== 'pending') return
      const doc = await getInTransaction(t, members, row.memberId)
      if (!doc || isDeleted(doc)) {
        await campaignMembers
          .in(t)
          .doc(row._id)
          .update({ data: { outcome: 'skipped', reason: doc ? '账号已注销' : '不是会员' } })
        return
      }
      await issueCouponIn(t, { templateId, member: parseMember(doc), channel: 'admin', couponId, now })
      await campaignMembers
        .in(t)
        .doc(row._id)
        .update({ data: { outcome: 'issued', couponId } })
    })
  } catch (err) {
    const code = (err as AppError).code
    // still contended after transact's retries (a parallel start, members claiming the template): the row stays pending for the next round
    if (err instanceof AppError && code === 'CONFLICT') return
    if (!(err instanceof AppError) || (!REASON_BY_CODE[code] && code !== 'FAILED_PRECONDITION')) throw err
    await campaignMembers.where({ _id: row._id, outcome: 'pending' }).update({ data: { outcome: 'skipped', reason: REASON_BY_CODE[code] ?? err.message } })
  }
}

async function outcomeCounts(campaignId: string): Promise<Record<'issued' | 'skipped' | 'pending', number>> {
  const count = async (outcome: string) => (await campaignMembers.where({ campaignId, outcome }).count()).total
  const [issued, skipped, pending] = await Promise.all([count('issued'), count('skipped'), count('pending')])
  return { issued, skipped, pending }
}

/** What each group bought in [startedAt, endsAt): completed and partly refunded purchases, net of refunds. */
async function groupOutcomes(campaign: CampaignDoc, rows: CampaignMemberDoc[]): Promise<Record<CampaignGroup, GroupOutcome>> {
  const out: Record<CampaignGroup, GroupOutcome> = { treated: { members: 0, buyers: 0, purchases: 0, spendFen: 0 }, holdout: { members: 0, buyers: 0, purchases: 0, spendFen: 0 } }
  const groupOf = new Map(rows.map(r => [r.memberId, r.group]))
  for (const r of rows) out[r.group].members++
  const buyers = new Set<string>()
  const window = _.gte(new Date(campaign.startedAt)).and(_.lt(new Date(campaign.endsAt)))
  for (const ids of chunks(
    rows.map(r => r.memberId),
    JOIN_CHUNK,
  )) {
    const purchases = await readAll(
      purchaseRows
        .where({ memberId: _.in(ids), createdAt: window, status: _.neq('refunded') })
        .orderBy('_id', 'asc')
        .field({ memberId: true, amountFen: true, refundedFen: true }),
    )
    for (const p of purchases) {
      const group = out[groupOf.get(String(p.memberId))!]
      group.purchases++
      group.spendFen += Number(p.amountFen) - Number(p.refundedFen ?? 0)
      buyers.add(String(p.memberId))
    }
  }
  for (const id of buyers) out[groupOf.get(id)!].buyers++
  return out
}

/** The campaign's message sends (reminders_log, kind `campaign`, period = campaign id) by status. */
async function messageCounts(campaignId: string): Promise<Record<'sent' | 'failed' | 'pending', number>> {
  const count = async (status: string) => (await remindersLog.where({ kind: 'campaign', period: campaignId, status }).count()).total
  const [sent, failed, pending] = await Promise.all([count('sent'), count('failed'), count('pending')])
  return { sent, failed, pending }
}

async function couponsUsed(rows: CampaignMemberDoc[]): Promise<number> {
  let used = 0
  for (const ids of chunks(
    rows.flatMap(r => (r.couponId ? [r.couponId] : [])),
    JOIN_CHUNK,
  ))
    used += (await coupons.where({ _id: _.in(ids), status: 'used' }).count()).total
  return used
}

/** The lift as the console shows it: buyer rates and their difference with 95 % intervals, drawn here as SVG. */
function liftChart(lift: LiftReport): ChartView {
  return { id: 'campaignLift', title: '购买率：触达组 vs 对照组（含 95% 区间）', svg: chartSvg(liftChartOption(lift), 720, 320) }
}

export const adminCampaignActions: Pick<AdminActions, 'startCampaign' | 'campaignReport' | 'listCampaigns'> = {
  async startCampaign(event, ctx): Promise<CampaignDryRun | CampaignStartAnswer> {
    const spec = event.campaign
    let campaign = await findById(campaigns, spec.campaignId)
    if (campaign) {
      const [stored, given] = [specFields(campaign), specFields(spec)]
      const changed = (Object.keys(given) as Array<keyof typeof given>).filter(f => stored[f] !== given[f])
      if (changed.length) throw new AppError('ALREADY_EXISTS', `活动 ${spec.campaignId} 已存在，且 ${changed.join('、')} 不同；请换一个 campaignId`)
    }
    if (!campaign) {
      const template = spec.templateId ? await checkTemplate(spec.templateId) : null
      const messageTemplate = spec.message ? await checkMessageKind() : null
      const audience = await audienceOf(spec, event.dryRun && !!template && template.audience.kind !== 'all')
      const holdout = audience.filter(a => a.group === 'holdout').length
      if (event.dryRun) {
        const treated = audience.filter(a => a.group === 'treated')
        const reach = messageTemplate
          ? {
              messageWithGrant: await withGrant(
                treated.map(a => a.memberId),
                messageTemplate,
              ),
            }
          : {}
        const coupons = template ? await couponForecast(template, treated, ctx.now) : null
        return { dryRun: true, campaignId: spec.campaignId, continuing: false, audience: audience.length, treated: treated.length, holdout, coupons, ...reach }
      }
      const { campaignId, ...given } = spec
      const rest = { ...given, templateId: spec.templateId ?? null, message: spec.message ?? null }
      const doc: CampaignDoc = {
        _id: campaignId,
        ...rest,
        status: 'starting',
        snapshotDone: false,
        audience: audience.length,
        treated: audience.length - holdout,
        holdout,
        startedAt: ctx.now,
        endsAt: new Date(ctx.now.getTime() + spec.windowDays * DAY_MS),
        createdBy: actorOf(ctx),
        updatedAt: ctx.now,
      }
      // two parallel starts: one creates the campaign, the other continues it
      campaign = await transact(async t => {
        const existing = await getInTransaction(t, campaigns, campaignId)
        if (existing) return existing
        await campaigns.in(t).add({ data: doc })
        await auditIn(t, { actor: actorOf(ctx), action: 'startCampaign', target: campaignId, before: null, after: { ...rest, audience: doc.audience, treated: doc.treated, holdout }, at: ctx.now })
        return doc
      })
      if (campaign === doc) campaign = await completeSnapshot(campaign, audience, ctx.now)
    }
    if (event.dryRun) {
      const counts = await outcomeCounts(campaign._id)
      const coupons = campaign.templateId ? await startedForecast(campaign._id, counts) : null
      return { dryRun: true, campaignId: campaign._id, continuing: true, audience: campaign.audience, treated: campaign.treated, holdout: campaign.holdout, coupons, ...counts }
    }
    if (!campaign.snapshotDone) campaign = await completeSnapshot(campaign, await audienceOf(spec), ctx.now)
    if (campaign.status === 'starting' && (await issuePending(campaign, ctx.now))) {
      await campaigns.where({ _id: campaign._id, status: 'starting' }).update({ data: { status: 'running', updatedAt: ctx.now } })
      campaign = { ...campaign, status: 'running' }
    }
    return { campaign: campaignView(campaign, ctx.now), ...(await outcomeCounts(campaign._id)) }
  },

  async campaignReport(event, ctx): Promise<CampaignReport> {
    const campaign = await findById(campaigns, event.campaignId)
    if (!campaign) throw new AppError('NOT_FOUND', `活动不存在：${event.campaignId}`)
    const rows = await readAll(campaignMembers.where({ campaignId: campaign._id }).orderBy('_id', 'asc'), MAX_CAMPAIGN_AUDIENCE)
    const outcomes = await groupOutcomes(campaign, rows)
    const issued = rows.filter(r => r.outcome === 'issued').length
    const lift = liftReport(outcomes.treated, outcomes.holdout)
    return {
      campaign: campaignView(campaign, ctx.now),
      /** before the window ends the figures are interim */
      final: statusOf(campaign, ctx.now) === 'finished',
      coupons: campaign.templateId ? { issued, used: await couponsUsed(rows), skipped: rows.filter(r => r.outcome === 'skipped').length } : null,
      /** subscribe messages to the treated group; the others had no grant, turned the kind off or hit a cap */
      messages: campaign.message ? { ...(await messageCounts(campaign._id)), treated: campaign.treated } : null,
      lift,
      chart: liftChart(lift),
    }
  },

  async listCampaigns(_event, ctx): Promise<{ campaigns: CampaignView[] }> {
    const list = await readAll(campaigns.orderBy('startedAt', 'desc'))
    return { campaigns: list.map(c => campaignView(c, ctx.now)) }
  },
}
