/**
 * Reminder candidates: which reminders are due for one member at `now`, before consent, caps and
 * quiet hours (domain/reminders.ts applies those). Pure; every day and hour is Asia/Shanghai.
 *
 * Each candidate has a `period`; the dedupe key `${kind}:${memberId}:${period}` depends only on the
 * member's state and the Shanghai day, so a re-run at the same time yields the same keys:
 * - coupon_expiring: the expiry day (YYYY-MM-DD) of a group of coupons expiring that day, while it is
 *   at most daysBefore days away. points_expiring: the same for point batches.
 * - birthday: the year (YYYY). streak_at_risk: today. win_back: the day the risk was scored.
 * - tier_upgraded: `${tierId}.${day reached}`. tier_review: `review.${day}` / `downgrade.${day}`.
 * - campaign: the campaign id (one message per campaign).
 */
import dayjs from 'dayjs'
import { sha1 } from 'js-sha1'
import type { CouponDoc } from '../types/coupons'
import type { Member } from '../types/member'
import type { CampaignMessage, ReminderConfig, ReminderKind, ReminderLogDoc, ReminderValueKey, TemplateData } from '../types/reminders'
import type { TierLadder } from '../types/tiers'
import { describeCoupon } from './coupons'
import { effectiveTierId, growthInWindow, tierDef } from './tiers'
import { addDays, BRAND_ZONE, shanghaiDay } from './time'

export interface Candidate {
  kind: ReminderKind
  period: string
  /** soonest first within a kind (ms) */
  order: number
  values: Partial<Record<ReminderValueKey, string>>
  reason: string
  basis: Record<string, string | number>
  issueCoupon: { templateId: string; channel: 'birthday' | 'admin' } | null
  /** the page a tap opens, when not the kind's */
  page?: string
}

export interface CandidateContext {
  member: Member
  coupons: CouponDoc[]
  recentLog: ReminderLogDoc[]
  config: ReminderConfig
  ladder: TierLadder
  now: Date
  /** coupon template id → name, for coupons the shell will issue */
  templateNames: Record<string, string>
  /** running campaigns whose message is due to this member */
  campaigns: CampaignMessage[]
}

const DAY_MS = 86_400_000
export const dedupeKeyOf = (kind: ReminderKind, memberId: string, period: string) => `${kind}:${memberId}:${period}`
/** A claim requestId (types/member clientRequestId) derived from the dedupe key: issuing twice gives the same coupon. */
export const couponRequestId = (dedupeKey: string) => `rmd-${sha1(dedupeKey).slice(0, 32)}`

const dayNumber = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / DAY_MS
/** Shanghai calendar days from `from` to `to` (YYYY-MM-DD). */
export const daysBetween = (from: string, to: string) => dayNumber(to) - dayNumber(from)
export const cnDate = (day: string) => `${+day.slice(0, 4)}年${+day.slice(5, 7)}月${+day.slice(8, 10)}日`
const inDays = (n: number) => (n <= 0 ? '今天' : n === 1 ? '明天' : `${n} 天后`)
const pct = (r: number) => `${Math.round(r * 100)}%`
export const shanghaiHour = (now: Date) => dayjs(now).tz(BRAND_ZONE).hour()

/** WeChat limits per field type (thing ≤ 20 characters, …); longer values are cut with "…". */
const FIELD_LIMITS: Record<string, number> = { thing: 20, name: 10, phrase: 5, symbol: 5, car_number: 8, phone_number: 17 }
export function templateData(fields: Record<string, string>, values: Partial<Record<ReminderValueKey, string>>): TemplateData {
  const data: TemplateData = {}
  for (const [field, source] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    const raw = source.startsWith('=') ? source.slice(1) : (values[source as ReminderValueKey] ?? '')
    const limit = FIELD_LIMITS[field.replace(/\d+$/, '')] ?? 32
    const chars = [...raw]
    data[field] = { value: chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : raw }
  }
  return data
}

/**
 * Groups dated items by Shanghai expiry day within `daysBefore`, soonest first. `at` is the first
 * instant an item is no longer valid (coupons' validUntil, batches' expiresAt), so the day people
 * read is the day of the moment before it: a coupon ending at 00:00 on the 26th expires on the 25th.
 */
function byExpiryDay<T>(items: T[], at: (t: T) => Date, today: string, daysBefore: number): Array<{ day: string; n: number; items: T[] }> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const day = shanghaiDay(new Date(at(item).getTime() - 1))
    if (daysBetween(today, day) <= daysBefore) groups.set(day, [...(groups.get(day) ?? []), item])
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, list]) => ({ day, n: daysBetween(today, day), items: list }))
}

function couponExpiring(ctx: CandidateContext, today: string): Candidate[] {
  const { member, coupons, now } = ctx
  const live = coupons.filter(c => c.memberId === member._id && c.status === 'available' && c.validFrom <= now && c.validUntil > now)
  return byExpiryDay(live, c => c.validUntil, today, ctx.config.kinds.coupon_expiring.daysBefore).map(({ day, n, items }) => {
    const list = [...items].sort((a, b) => a.validUntil.getTime() - b.validUntil.getTime() || a._id.localeCompare(b._id))
    const first = list[0]
    const more = list.length > 1 ? `等 ${list.length} 张` : ''
    return {
      kind: 'coupon_expiring' as const,
      period: day,
      order: first.validUntil.getTime(),
      values: {
        couponName: first.name,
        couponSummary: describeCoupon(first),
        couponCount: String(list.length),
        expiryDate: cnDate(day),
        daysLeft: String(n),
        note: `优惠券${inDays(n)}到期，记得使用`,
      },
      reason: `券「${first.name}」${more}${inDays(n)}到期`,
      basis: { couponId: first._id, count: list.length },
      issueCoupon: null,
    }
  })
}

function pointsExpiring(ctx: CandidateContext, today: string): Candidate[] {
  const { member, now } = ctx
  const live = member.pointBatches.filter(b => b.remaining > 0 && b.expiresAt > now)
  return byExpiryDay(live, b => b.expiresAt, today, ctx.config.kinds.points_expiring.daysBefore).flatMap(({ day, n, items }) => {
    const points = Math.min(
      items.reduce((s, b) => s + b.remaining, 0),
      member.points,
    )
    if (points <= 0) return []
    return [
      {
        kind: 'points_expiring' as const,
        period: day,
        order: Math.min(...items.map(b => b.expiresAt.getTime())),
        values: { points: String(points), pointsBalance: String(member.points), expiryDate: cnDate(day), daysLeft: String(n), note: `积分${inDays(n)}过期，快去兑换` },
        reason: `${points} 积分${inDays(n)}过期`,
        basis: { points },
        issueCoupon: null,
      },
    ]
  })
}

/** A matching available coupon the member got in the last 30 days, else `templateId` to issue (null: no coupon). */
function couponFor(ctx: CandidateContext, templateId: string | null, held: (c: CouponDoc) => boolean, fallback: string) {
  const since = ctx.now.getTime() - 30 * DAY_MS
  const have = ctx.coupons.find(c => c.memberId === ctx.member._id && c.status === 'available' && c.validUntil > ctx.now && c.issuedAt.getTime() >= since && held(c))
  if (have) return { name: have.name, issue: null, label: `「${have.name}」` }
  if (!templateId) return { name: fallback, issue: null, label: '' }
  const name = ctx.templateNames[templateId] ?? fallback
  return { name, issue: templateId, label: `「${name}」` }
}

function birthday(ctx: CandidateContext, today: string): Candidate[] {
  const b = ctx.member.birthday
  if (!b) return []
  const year = +today.slice(0, 4)
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const monthDay = b.slice(5) === '02-29' && !leap ? '02-28' : b.slice(5)
  if (monthDay !== today.slice(5)) return []
  const tierCoupon = tierDef(ctx.ladder, effectiveTierId(ctx.member.tier, ctx.ladder, ctx.now)).benefits.birthdayCouponTemplateId
  const templateId = tierCoupon ?? ctx.config.kinds.birthday.couponTemplateId
  const coupon = couponFor(ctx, templateId, c => c.channel === 'birthday', '生日专属祝福')
  return [
    {
      kind: 'birthday',
      period: today.slice(0, 4),
      order: 0,
      values: { couponName: coupon.name, note: '生日快乐！生日礼已放入你的卡包' },
      reason: `今天生日${coupon.label ? `，附生日券${coupon.label}` : ''}`,
      basis: { birthday: b },
      issueCoupon: coupon.issue ? { templateId: coupon.issue, channel: 'birthday' } : null,
    },
  ]
}

function streakAtRisk(ctx: CandidateContext, today: string): Candidate[] {
  const cfg = ctx.config.kinds.streak_at_risk
  const state = ctx.member.checkin
  if (shanghaiHour(ctx.now) < cfg.eveningHour || !state || state.lastDay !== addDays(today, -1) || state.streak < cfg.minStreak) return []
  return [
    {
      kind: 'streak_at_risk',
      period: today,
      order: 0,
      values: { streak: String(state.streak), note: '今天还没签到，别让连续记录中断' },
      reason: `已连续签到 ${state.streak} 天，今天还没签到`,
      basis: { streak: state.streak },
      issueCoupon: null,
    },
  ]
}

function winBack(ctx: CandidateContext): Candidate[] {
  const cfg = ctx.config.kinds.win_back
  const churn = ctx.member.churn
  if (!churn || churn.risk < cfg.riskThreshold) return []
  const last = ctx.recentLog.filter(l => l.kind === 'win_back' && l.status !== 'failed').sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())[0]
  const lastRisk = last ? Number(last.basis.risk ?? 0) : null
  const recent = last && ctx.now.getTime() - last.sentAt.getTime() < cfg.gapDays * DAY_MS
  if (recent && lastRisk !== null && churn.risk < lastRisk + cfg.minRise) return []
  const rule = [...cfg.couponRules].sort((a, b) => b.minRisk - a.minRisk).find(r => r.minRisk <= churn.risk)
  const templateId = rule?.couponTemplateId ?? cfg.couponTemplateId
  const coupon = couponFor(ctx, templateId, c => c.templateId === templateId, '会员专属福利')
  return [
    {
      kind: 'win_back',
      period: shanghaiDay(churn.scoredAt),
      order: 0,
      values: { couponName: coupon.name, note: '好久不见，为你准备了专属福利' },
      reason: `流失风险 ${pct(churn.risk)}${recent ? `（上次提醒时 ${pct(lastRisk ?? 0)}）` : ''}${coupon.label ? `，附券${coupon.label}` : ''}`,
      basis: { risk: Math.round(churn.risk * 10_000) / 10_000 },
      issueCoupon: coupon.issue ? { templateId: coupon.issue, channel: 'admin' } : null,
    },
  ]
}

const rankOf = (ladder: TierLadder, tierId: unknown) => ladder.tiers.findIndex(t => t.tierId === tierId)

function tierUpgraded(ctx: CandidateContext): Candidate[] {
  const { member, ladder, now } = ctx
  const state = member.tier
  if (!state) return []
  const rank = rankOf(ladder, state.tierId)
  const age = now.getTime() - state.since.getTime()
  if (rank <= 0 || age < 0 || age > ctx.config.kinds.tier_upgraded.withinDays * DAY_MS) return []
  // the state cannot tell an upgrade from a downgrade: a recent notice about a higher tier means this move was down
  if (ctx.recentLog.some(l => (l.kind === 'tier_upgraded' || l.kind === 'tier_review') && rankOf(ladder, l.basis.tierId) > rank)) return []
  const tier = ladder.tiers[rank]
  const day = shanghaiDay(state.since)
  return [
    {
      kind: 'tier_upgraded',
      period: `${tier.tierId}.${day}`,
      order: state.since.getTime(),
      values: { tierName: tier.name, perks: tier.benefits.perks.join('、') || tier.name, note: `恭喜升级为${tier.name}` },
      reason: `${cnDate(day)}升级为${tier.name}`,
      basis: { tierId: tier.tierId },
      issueCoupon: null,
    },
  ]
}

function tierReview(ctx: CandidateContext, today: string): Candidate[] {
  const { member, ladder, now } = ctx
  const state = member.tier
  const manual = state?.manual && (!state.manual.until || state.manual.until > now)
  if (!state || manual || rankOf(ladder, state.tierId) <= 0) return []
  const tier = ladder.tiers[rankOf(ladder, state.tierId)]
  const missing = Math.max(0, tier.threshold - growthInWindow(member.growth, ladder, now))
  const daysBefore = ctx.config.kinds.tier_review.daysBefore
  const at = state.downgradeAt ?? state.reviewAt
  const day = shanghaiDay(at)
  const n = daysBetween(today, day)
  if (at <= now || n > daysBefore || missing <= 0) return []
  const downgrade = state.downgradeAt !== null
  return [
    {
      kind: 'tier_review',
      period: `${downgrade ? 'downgrade' : 'review'}.${day}`,
      order: at.getTime(),
      values: { tierName: tier.name, reviewDate: cnDate(day), missingGrowth: String(missing), daysLeft: String(n), note: `还差 ${missing} 成长值保级` },
      reason: `${tier.name}${inDays(n)}${downgrade ? '降级' : '复核'}，还差 ${missing} 成长值`,
      basis: { tierId: tier.tierId },
      issueCoupon: null,
    },
  ]
}

function campaignMessages(ctx: CandidateContext): Candidate[] {
  return ctx.campaigns
    .filter(c => c.endsAt > ctx.now)
    .map(c => ({
      kind: 'campaign' as const,
      period: c.campaignId,
      order: c.endsAt.getTime(),
      values: { campaignName: c.name, campaignMessage: c.text, couponName: c.couponName ?? '', endDate: cnDate(shanghaiDay(new Date(c.endsAt.getTime() - 1))), note: c.text },
      reason: `活动「${c.name}」：${c.text}`,
      basis: { campaignId: c.campaignId },
      issueCoupon: null,
      ...(c.page ? { page: c.page } : {}),
    }))
}

/** Every due candidate of the enabled kinds, before consent and caps. */
export function memberCandidates(ctx: CandidateContext): Candidate[] {
  const today = shanghaiDay(ctx.now)
  const on = (kind: ReminderKind) => ctx.config.kinds[kind].enabled && ctx.config.kinds[kind].templateId !== ''
  const all = [
    ...(on('coupon_expiring') ? couponExpiring(ctx, today) : []),
    ...(on('points_expiring') ? pointsExpiring(ctx, today) : []),
    ...(on('birthday') ? birthday(ctx, today) : []),
    ...(on('streak_at_risk') ? streakAtRisk(ctx, today) : []),
    ...(on('win_back') ? winBack(ctx) : []),
    ...(on('tier_upgraded') ? tierUpgraded(ctx) : []),
    ...(on('tier_review') ? tierReview(ctx, today) : []),
    ...(on('campaign') ? campaignMessages(ctx) : []),
  ]
  const common = { nickname: ctx.member.nickname, date: cnDate(today) }
  return all.map(c => ({ ...c, values: { ...common, ...c.values } }))
}
