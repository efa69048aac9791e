/**
 * Reminder policy: pure, time passed in; every hour is Asia/Shanghai whatever the host zone.
 * Candidates come from domain/reminder-candidates.ts; per member they are taken in the config's
 * priority order (soonest first within a kind), and each one goes through, in this order:
 *   1. preference off                        → skipped 'preference'
 *   2. no unspent grant of its template      → skipped 'no_quota' (grants spent by this plan count)
 *   3. dedupe key in the member's log        → skipped 'duplicate' (pending, sent or failed alike)
 *   4. marketing and the rolling-7-day count (log pending+sent, plus this plan) ≥ cap → 'weekly_cap'
 *   5. quiet hours now                       → deferred, notBefore = the next end of quiet hours
 *   6. the member already has a message this run → skipped 'one_per_run' (re-planned next run)
 * So at most one message per member per run, the most important due one; nothing planned in quiet
 * hours; never two sends on one grant. The cap is checked before quiet hours so a deferred message
 * is one that would really go at notBefore (unless the state changes).
 *
 * Preferences: an explicit choice in the settings page wins unless the member accepted the kind's
 * template later (an accept is consent: it turns the kind on again). Without a choice: service
 * kinds on; marketing kinds on once the member accepted their template at least once.
 */
import dayjs from 'dayjs'
import { AppError } from '../types/result'
import {
  isMarketing,
  REMINDER_KINDS,
  REMINDER_LABELS,
  SKIP_REASON_LABELS,
  SKIP_REASONS,
  type CampaignMessage,
  type ReminderConfig,
  type ReminderDryRun,
  type ReminderKind,
  type ReminderLogDoc,
  type ReminderPlan,
  type ReminderPreferencesView,
  type SkipReason,
  type SubscribeResult,
  type Subscription,
} from '../types/reminders'
import type { CouponDoc } from '../types/coupons'
import type { Member } from '../types/member'
import { DEFAULT_TIER_LADDER, type TierLadder } from '../types/tiers'
import { couponRequestId, dedupeKeyOf, memberCandidates, templateData } from './reminder-candidates'
import { addDays, BRAND_ZONE, shanghaiDay } from './time'

export { dedupeKeyOf, couponRequestId } from './reminder-candidates'

export interface ReminderMemberInput {
  member: Member
  coupons: CouponDoc[]
  /** null: the member never answered a subscribe prompt */
  subscription: Subscription | null
  /** the member's `reminders_log` docs with sentAt ≥ now − LOG_LOOKBACK_DAYS */
  recentLog: ReminderLogDoc[]
  /** running campaigns whose message is due to the member (absent: none) */
  campaigns?: CampaignMessage[]
}
export interface PlanInput {
  members: ReminderMemberInput[]
  config: ReminderConfig
  ladder?: TierLadder
  now: Date
  /** coupon template id → name, for the coupons birthday and win-back messages issue */
  templateNames?: Record<string, string>
}

const WEEK_MS = 7 * 86_400_000
/** Grants kept per template at most (WeChat keeps its own count; ours only has to stay below it). */
export const MAX_QUOTA_PER_TEMPLATE = 50

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

export function inQuietHours(quiet: ReminderConfig['quietHours'], now: Date): boolean {
  if (!quiet) return false
  const t = dayjs(now).tz(BRAND_ZONE)
  const m = t.hour() * 60 + t.minute()
  const [start, end] = [minutes(quiet.start), minutes(quiet.end)]
  return start < end ? m >= start && m < end : m >= start || m < end
}

/** The next instant quiet hours end (the next `end` Shanghai wall-clock time after `now`). */
export function quietHoursEnd(quiet: NonNullable<ReminderConfig['quietHours']>, now: Date): Date {
  const today = shanghaiDay(now)
  const at = (day: string) => dayjs.tz(`${day} ${quiet.end}`, BRAND_ZONE).toDate()
  return at(today) > now ? at(today) : at(addDays(today, 1))
}

export function preferenceOn(sub: Subscription | null, kind: ReminderKind, config: ReminderConfig): boolean {
  const templateId = config.kinds[kind].templateId
  const explicit = sub?.preferences[kind]
  const accepted = templateId ? sub?.acceptedAt[templateId] : undefined
  if (explicit && (!accepted || explicit.at >= accepted)) return explicit.on
  if (accepted) return true
  return !isMarketing(kind)
}

const liveMarketing = (log: ReminderLogDoc[], now: Date) => log.filter(l => isMarketing(l.kind) && l.status !== 'failed' && l.sentAt.getTime() > now.getTime() - WEEK_MS && l.sentAt <= now).length

export function planReminders(input: PlanInput): ReminderPlan {
  const { config, now } = input
  const ladder = input.ladder ?? DEFAULT_TIER_LADDER
  const plan: ReminderPlan = { messages: [], skipped: [], deferred: [] }
  const notBefore = config.quietHours && inQuietHours(config.quietHours, now) ? quietHoursEnd(config.quietHours, now) : null
  const rank = (kind: ReminderKind) => config.priority.indexOf(kind)
  for (const { member, coupons, subscription, recentLog, campaigns = [] } of input.members) {
    if (member.status === 'deleted') continue
    const candidates = memberCandidates({ member, coupons, recentLog, config, ladder, now, templateNames: input.templateNames ?? {}, campaigns }).sort(
      (a, b) => rank(a.kind) - rank(b.kind) || a.order - b.order || a.period.localeCompare(b.period),
    )
    const logged = new Set(recentLog.map(l => l._id))
    const quota: Record<string, number> = { ...(subscription?.quota ?? {}) }
    let marketing = liveMarketing(recentLog, now)
    let planned = false
    for (const c of candidates) {
      const kindConfig = config.kinds[c.kind]
      const dedupeKey = dedupeKeyOf(c.kind, member._id, c.period)
      const who = { memberId: member._id, memberNo: member.memberNo, kind: c.kind, dedupeKey }
      const skip = (reason: SkipReason, why = SKIP_REASON_LABELS[reason]) => plan.skipped.push({ ...who, reason, detail: `${c.reason}：${why}` })
      if (!preferenceOn(subscription, c.kind, config)) skip('preference')
      else if ((quota[kindConfig.templateId] ?? 0) < 1) skip('no_quota')
      else if (logged.has(dedupeKey)) skip('duplicate')
      else if (isMarketing(c.kind) && marketing >= config.weeklyMarketingCap) skip('weekly_cap', `近 7 天已有 ${marketing} 条营销消息（上限 ${config.weeklyMarketingCap}）`)
      else if (notBefore) plan.deferred.push({ ...who, notBefore, detail: `${c.reason}：免打扰时段，${config.quietHours!.end} 后发送` })
      else if (planned) skip('one_per_run')
      else {
        planned = true
        quota[kindConfig.templateId] -= 1
        if (isMarketing(c.kind)) marketing += 1
        plan.messages.push({
          ...who,
          touser: member.openid,
          marketing: isMarketing(c.kind),
          templateId: kindConfig.templateId,
          page: c.page ?? kindConfig.page,
          data: templateData(kindConfig.fields, c.values),
          period: c.period,
          reason: c.reason,
          basis: c.basis,
          issueCoupon: c.issueCoupon ? { ...c.issueCoupon, requestId: couponRequestId(dedupeKey) } : null,
        })
      }
    }
  }
  return plan
}

/** The admin dry-run's answer for a plan made at `now`. */
export function summarizePlan(plan: ReminderPlan, config: ReminderConfig, now: Date): ReminderDryRun {
  const skipped = Object.fromEntries(SKIP_REASONS.map(r => [r, plan.skipped.filter(s => s.reason === r).length])) as Record<SkipReason, number>
  const byKind = Object.fromEntries(REMINDER_KINDS.map(k => [k, plan.messages.filter(m => m.kind === k).length])) as Record<ReminderKind, number>
  return {
    now: now.toISOString(),
    quietNow: inQuietHours(config.quietHours, now),
    counts: { messages: plan.messages.length, deferred: plan.deferred.length, skipped, byKind },
    messages: plan.messages,
    skipped: plan.skipped,
    deferred: plan.deferred.map(d => ({ ...d, notBefore: d.notBefore.toISOString() })),
  }
}

export function emptySubscription(memberId: string, now: Date): Subscription {
  return { _id: memberId, memberId, quota: {}, acceptedAt: {}, lastAnswer: {}, preferences: {}, updatedAt: now }
}

/** The member reported Taro.requestSubscribeMessage's answers: +1 grant per accept (capped), accept turns the template's kinds on. */
export function applySubscribeResult(sub: Subscription, result: SubscribeResult, now: Date): Subscription {
  const next: Subscription = { ...sub, quota: { ...sub.quota }, acceptedAt: { ...sub.acceptedAt }, lastAnswer: { ...sub.lastAnswer }, updatedAt: now }
  for (const [templateId, answer] of Object.entries(result)) {
    next.lastAnswer[templateId] = { answer, at: now }
    if (answer !== 'accept') continue
    next.quota[templateId] = Math.min(MAX_QUOTA_PER_TEMPLATE, (next.quota[templateId] ?? 0) + 1)
    next.acceptedAt[templateId] = now
  }
  return next
}

/** One grant of `templateId` spent by a send (the shell mirrors this as a conditional `quota.<id> > 0` update). */
export function spendQuota(sub: Subscription, templateId: string): Subscription {
  const left = sub.quota[templateId] ?? 0
  if (left < 1) throw new AppError('FAILED_PRECONDITION', '没有可用的订阅授权')
  return { ...sub, quota: { ...sub.quota, [templateId]: left - 1 } }
}

/** The member's own choice in the reminder settings page. */
export function setPreference(sub: Subscription, kind: ReminderKind, on: boolean, now: Date): Subscription {
  return { ...sub, preferences: { ...sub.preferences, [kind]: { on, at: now } }, updatedAt: now }
}

/** The member's reminder settings page. */
export function preferencesView(sub: Subscription | null, config: ReminderConfig): ReminderPreferencesView {
  const items = REMINDER_KINDS.map(kind => {
    const k = config.kinds[kind]
    const open = k.enabled && k.templateId !== ''
    const on = preferenceOn(sub, kind, config)
    const quota = open ? (sub?.quota[k.templateId] ?? 0) : 0
    const blocker = !open ? '暂未开放' : !on ? (sub?.preferences[kind] ? '已关闭' : '需要先订阅一次') : quota < 1 ? '需要先订阅一次' : null
    return { kind, ...REMINDER_LABELS[kind], marketing: isMarketing(kind), on, quota, canSend: blocker === null, blocker }
  })
  const askable = items
    .filter(i => config.kinds[i.kind].enabled && config.kinds[i.kind].templateId && (i.on || !sub?.preferences[i.kind]))
    .sort((a, b) => Number(a.quota > 0) - Number(b.quota > 0) || config.priority.indexOf(a.kind) - config.priority.indexOf(b.kind))
  const askTemplateIds = [...new Set(askable.map(i => config.kinds[i.kind].templateId))].slice(0, 3)
  return { items, askTemplateIds }
}
