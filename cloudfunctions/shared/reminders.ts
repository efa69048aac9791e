/**
 * The thin shell around domain/reminders.ts: load what the planner needs for a page of members who
 * ever answered a subscribe prompt (nobody else can be sent anything), and send one planned message.
 *
 * Sending, in this order, so nothing is sent twice and no grant is spent twice:
 * 1. insert `reminders_log/<dedupeKey>` as `pending` — the insert is the lock (a second run's insert fails);
 * 2. take one grant with a conditional update (`quota.<templateId> > 0`);
 * 3. issue the message's coupon, if any (idempotent per its requestId);
 * 4. `cloud.openapi.subscribeMessage.send`, then mark the log `sent` or `failed`.
 */
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { LOG_LOOKBACK_DAYS, SubscriptionSchema, type CampaignMessage, type PlannedReminder, type ReminderConfig, type ReminderLogDoc, type ReminderPlan } from '../../types/reminders'
import type { TierLadder } from '../../types/tiers'
import { planReminders, type ReminderMemberInput } from '../../domain/reminders'
import { cloud, _ } from './cloud'
import { campaignMembers } from './collections/campaign_members'
import { campaigns as campaignRows, type CampaignDoc } from './collections/campaigns'
import { couponTemplates } from './collections/coupon_templates'
import { couponIdFor, coupons as couponRows } from './collections/coupons'
import { isDeleted, members as memberRows, parseMember } from './collections/members'
import { remindersLog } from './collections/reminders_log'
import { subscriptions } from './collections/subscriptions'
import { issueCouponIn } from './coupons'
import { readAll } from './query'
import { isDuplicateKey, transact } from './transaction'

export const PLAN_PAGE = 200
const DAY_MS = 86_400_000

/** The running campaigns (every coupon issued, window not over) with a message at `now`: few at a time, read once per run. */
export async function messageCampaigns(now: Date): Promise<CampaignMessage[]> {
  const running = await readAll(campaignRows.where({ status: 'running', endsAt: _.gt(now) }).orderBy('_id', 'asc'))
  const withMessage = running.filter((c): c is CampaignDoc & { message: NonNullable<CampaignDoc['message']> } => !!c.message && typeof c.message.text === 'string')
  const templateIds = [...new Set(withMessage.map(c => c.templateId).filter((t): t is string => typeof t === 'string'))]
  const names = templateIds.length
    ? (
        await couponTemplates
          .where({ _id: _.in(templateIds) })
          .field({ _id: true, name: true })
          .get()
      ).data
    : []
  const nameOf = new Map(names.map(t => [String(t._id), String(t.name)]))
  return withMessage.map(c => ({
    campaignId: String(c._id),
    name: String(c.name),
    text: String(c.message.text),
    page: typeof c.message.page === 'string' ? c.message.page : null,
    endsAt: new Date(c.endsAt),
    couponName: typeof c.templateId === 'string' ? (nameOf.get(c.templateId) ?? null) : null,
  }))
}

/** Which of `campaigns` each member is treated in (and got the coupon of, when there is one). */
async function campaignsOf(memberIds: string[], campaigns: CampaignMessage[]): Promise<Map<string, CampaignMessage[]>> {
  const out = new Map<string, CampaignMessage[]>()
  if (!campaigns.length) return out
  const byId = new Map(campaigns.map(c => [c.campaignId, c]))
  const rows = await readAll(
    campaignMembers
      .where({ campaignId: _.in([...byId.keys()]), memberId: _.in(memberIds), outcome: _.in(['issued', 'no_coupon']) })
      .orderBy('_id', 'asc')
      .field({ campaignId: true, memberId: true }),
    10_000,
  )
  for (const r of rows) {
    const campaign = byId.get(String(r.campaignId))
    if (campaign) out.set(String(r.memberId), [...(out.get(String(r.memberId)) ?? []), campaign])
  }
  return out
}

/** One page of subscribers after `cursor` (by `_id`), with their members, coupons, recent log and due campaign messages. */
export async function loadPage(cursor: string | null, now: Date, campaigns: CampaignMessage[], limit = PLAN_PAGE): Promise<{ inputs: ReminderMemberInput[]; last: string | null; read: number }> {
  const subs = (
    await subscriptions
      .where(cursor ? { _id: _.gt(cursor) } : {})
      .orderBy('_id', 'asc')
      .limit(limit)
      .get()
  ).data
  if (!subs.length) return { inputs: [], last: cursor, read: 0 }
  const ids = subs.map(s => String(s._id))
  const [members, coupons, log, treated] = await Promise.all([
    readAll(memberRows.where({ _id: _.in(ids) }).orderBy('_id', 'asc')),
    readAll(couponRows.where({ memberId: _.in(ids), status: 'available', validUntil: _.gt(now) }).orderBy('_id', 'asc'), 10_000),
    readAll(remindersLog.where({ memberId: _.in(ids), sentAt: _.gte(new Date(now.getTime() - LOG_LOOKBACK_DAYS * DAY_MS)) }).orderBy('_id', 'asc'), 10_000),
    campaignsOf(ids, campaigns),
  ])
  const byId = new Map(members.map(m => [String(m._id), m]))
  const inputs: ReminderMemberInput[] = []
  for (const sub of subs) {
    const doc = byId.get(String(sub._id))
    if (!doc || isDeleted(doc)) continue
    inputs.push({
      member: parseMember(doc),
      coupons: coupons.filter(c => c.memberId === sub._id),
      subscription: SubscriptionSchema.parse(sub),
      recentLog: log.filter(l => l.memberId === sub._id),
      campaigns: treated.get(String(sub._id)) ?? [],
    })
  }
  return { inputs, last: ids[ids.length - 1], read: subs.length }
}

/** Names of the coupon templates messages may issue, for the message text. */
export async function templateNames(config: ReminderConfig): Promise<Record<string, string>> {
  const ids = [config.kinds.birthday.couponTemplateId, config.kinds.win_back.couponTemplateId, ...config.kinds.win_back.couponRules.map(r => r.couponTemplateId)].filter((x): x is string => !!x)
  if (!ids.length) return {}
  const { data } = await couponTemplates.where({ _id: _.in(ids) }).get()
  return Object.fromEntries(data.map(t => [String(t._id), String(t.name)]))
}

export function plan(inputs: ReminderMemberInput[], config: ReminderConfig, ladder: TierLadder, now: Date, names: Record<string, string>): ReminderPlan {
  return planReminders({ members: inputs, config, ladder, now, templateNames: names })
}

type Outcome = 'sent' | 'failed' | 'duplicate'

export async function send(message: PlannedReminder, member: Member, config: ReminderConfig, now: Date): Promise<Outcome> {
  const log = remindersLog
  const entry: ReminderLogDoc = {
    _id: message.dedupeKey,
    memberId: message.memberId,
    kind: message.kind,
    templateId: message.templateId,
    period: message.period,
    sentAt: now,
    status: 'pending',
    reason: message.reason,
    data: message.data,
    basis: message.basis,
    error: null,
  }
  try {
    await log.add({ data: entry })
  } catch (err) {
    if (isDuplicateKey(err)) return 'duplicate'
    throw err
  }
  const fail = async (error: { errcode: number; errmsg: string }) => {
    await log.doc(message.dedupeKey).update({ data: { status: 'failed', error } })
    return 'failed' as const
  }
  const grant = await subscriptions.where({ _id: message.memberId, [`quota.${message.templateId}`]: _.gt(0) }).update({ data: { [`quota.${message.templateId}`]: _.inc(-1), updatedAt: now } })
  if (grant.stats.updated !== 1) return fail({ errcode: -1, errmsg: 'no subscribe grant left' })
  if (message.issueCoupon) {
    const { templateId, channel, requestId } = message.issueCoupon
    try {
      await transact(t => issueCouponIn(t, { templateId, member, channel, couponId: couponIdFor.reminder(member._id, requestId), now }))
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return fail({ errcode: -2, errmsg: `coupon ${templateId}: ${err.code}` })
    }
  }
  try {
    await cloud.openapi.subscribeMessage.send({ touser: message.touser, templateId: message.templateId, page: message.page, data: message.data, miniprogramState: config.miniprogramState })
  } catch (err) {
    const e = err as { errCode?: number; errcode?: number; errMsg?: string; message?: string }
    const errcode = Number(e.errCode ?? e.errcode ?? -3)
    // 43101: the member has no grant left at WeChat (refused, or we counted wrong): ours goes to 0 too
    if (errcode === 43101) await subscriptions.doc(message.memberId).update({ data: { [`quota.${message.templateId}`]: 0 } })
    return fail({ errcode, errmsg: String(e.errMsg ?? e.message ?? 'send failed').slice(0, 200) })
  }
  await log.doc(message.dedupeKey).update({ data: { status: 'sent' } })
  return 'sent'
}
