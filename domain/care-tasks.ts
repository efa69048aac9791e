/**
 * One-to-one care tasks (关怀任务): pure, time passed in; days are Asia/Shanghai. Which occasions a member
 * has (`careCandidates`), which of them become tasks (`planCareTasks`: the member's reminder switches,
 * no second task for the same occasion, at most `weeklyCap` tasks per member in any 7 days, templates
 * held back to the end of quiet hours), the suggested message, staff marks and the report's counts.
 * The policy follows subscribe messages (domain/reminders.ts): the same weekly cap and quiet hours from
 * `reminderConfig`; the switches are the member's explicit choices in the settings page.
 */
import { AppError } from '../types/result'
import type { Member } from '../types/member'
import type { ReminderConfig, Subscription } from '../types/reminders'
import type { TierLadder } from '../types/tiers'
import {
  BUY_WINDOW_DAYS,
  CARE_KIND_LABELS,
  CARE_KINDS,
  CARE_SWITCHES,
  TIER_UPGRADE_WITHIN_DAYS,
  type CareCounts,
  type CareKind,
  type CareOutputs,
  type CareStatus,
  type CareTaskDoc,
} from '../types/care-tasks'
import { birthdayIn } from './birthday'
import { inQuietHours, quietHoursEnd } from './reminders'
import { shanghaiDay, shanghaiMonth } from './time'

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

/** An occasion that may become a task. */
export interface CareCandidate {
  kind: CareKind
  occasion: string
  reason: string
  message: string
}

/** What the message can be personalised with besides the member. */
export interface CareExtras {
  /** an available coupon of the member (the soonest to expire) */
  couponName?: string | null
  storeName?: string | null
  /** the detractor's answer */
  nps?: { responseId: string; score: number; comment: string } | null
}

export interface CandidateInput {
  member: Member
  ladder: TierLadder
  /** churn risk at or above this makes a churn task (reminderConfig.kinds.win_back.riskThreshold) */
  churnThreshold: number
  now: Date
  extras?: CareExtras
  /**
   * The instants of the recent daily scoring runs (`jobs/tiers-<day>.now`): the review moves tiers down only
   * there, and a move down looks like a move up in the tier state (a new tier since then), so a tier reached
   * at exactly one of them is no upgrade.
   */
  reviewRuns?: Date[]
}

const nameOf = (m: Member) => m.nickname.trim() || '亲'
const pct = (r: number) => `${Math.round(r * 100)}%`

/** The suggested message: short, in the advisor's voice, personalised. */
export function suggestedMessage(kind: CareKind, member: Member, ladder: TierLadder, extras: CareExtras = {}): string {
  const name = nameOf(member)
  const coupon = extras.couponName ? `「${extras.couponName}」` : ''
  const tier = member.tier ? ladder.tiers.find(t => t.tierId === member.tier!.tierId) : undefined
  switch (kind) {
    case 'birthday':
      return `${name}，生日快乐！感谢一直以来的支持，${coupon ? `生日礼${coupon}已放进你的卡包，` : ''}这周来店里或打开小程序都能领生日礼，祝新的一岁万事顺意～`
    case 'churn_risk':
      return `${name}，好久不见，最近还好吗？你还有 ${member.points} 积分可以用${coupon ? `，还有一张${coupon}待使用` : ''}，店里上了不少新品，有空回来看看，我给你留着～`
    case 'nps_detractor':
      return `${name}，您好，我是${extras.storeName ?? '门店'}的专属顾问。看到您上次的评价${extras.nps ? `（${extras.nps.score} 分）` : ''}，没让您满意非常抱歉。方便说说哪里做得不好吗？我们一定改进。`
    case 'tier_upgrade':
      return `恭喜${name}升级为${tier?.name ?? '新等级'}！${tier?.benefits.perks.length ? `新权益：${tier.benefits.perks.join('、')}。` : ''}你现在有 ${member.points} 积分，欢迎随时来店体验专属服务～`
  }
}

const isBirthday = (birthday: string | null, today: string) => !!birthday && birthdayIn(birthday, +today.slice(0, 4)) === today

/** The member's occasions at `now` (a detractor's answer comes in `extras.nps`). */
export function careCandidates(input: CandidateInput): CareCandidate[] {
  const { member, ladder, now, extras = {} } = input
  if (member.status === 'deleted') return []
  const today = shanghaiDay(now)
  const out: CareCandidate[] = []
  const add = (kind: CareKind, occasion: string, reason: string) => out.push({ kind, occasion, reason, message: suggestedMessage(kind, member, ladder, extras) })
  if (extras.nps) add('nps_detractor', extras.nps.responseId, `NPS ${extras.nps.score} 分${extras.nps.comment ? `：${extras.nps.comment}` : ''}`)
  if (member.churn && member.churn.risk >= input.churnThreshold) add('churn_risk', shanghaiMonth(now), `流失风险 ${pct(member.churn.risk)}`)
  if (isBirthday(member.birthday, today)) add('birthday', today.slice(0, 4), '今天生日')
  const tier = member.tier
  if (tier) {
    const rank = ladder.tiers.findIndex(t => t.tierId === tier.tierId)
    const age = now.getTime() - tier.since.getTime()
    // not the first tier (everyone starts there), and recent: the daily step sees each move once or twice
    const byReview = (input.reviewRuns ?? []).some(r => r.getTime() === tier.since.getTime())
    if (rank > 0 && age >= 0 && age <= TIER_UPGRADE_WITHIN_DAYS * DAY_MS && !tier.manual && !byReview)
      add('tier_upgrade', `${tier.tierId}.${shanghaiDay(tier.since)}`, `升级为${ladder.tiers[rank].name}`)
  }
  return out
}

/** Whether the member turned the kind's reminder off (and did not accept its template since). */
export function switchedOff(sub: Subscription | null, kind: CareKind, config: ReminderConfig): boolean {
  const key = CARE_SWITCHES[kind]
  if (!key || !sub) return false
  const explicit = sub.preferences[key]
  if (!explicit || explicit.on) return false
  const templateId = config.kinds[key].templateId
  const accepted = templateId ? sub.acceptedAt[templateId] : undefined
  return !(accepted && accepted > explicit.at)
}

export type CareSkipReason = 'switch_off' | 'duplicate' | 'weekly_cap'

/** A task the member already has, as far as planning needs it. */
export interface ExistingTask {
  kind: CareKind
  occasion: string
  status: CareStatus
  createdAt: Date
}

export interface PlanInput {
  candidates: CareCandidate[]
  subscription: Subscription | null
  /** the member's tasks created in the last 7 days at least (older ones are ignored), and any of the candidates' occasions */
  existing: ExistingTask[]
  config: Pick<ReminderConfig, 'weeklyMarketingCap' | 'quietHours' | 'kinds'>
  now: Date
}

export interface PlannedCareTask extends CareCandidate {
  /** when the WeCom template may be pushed: now, or the end of quiet hours */
  notBefore: Date
}

export interface CarePlan {
  tasks: PlannedCareTask[]
  skipped: Array<{ kind: CareKind; occasion: string; reason: CareSkipReason }>
}

/**
 * In CARE_KINDS order (a complaint first): switched off → skipped; an occasion that already has a
 * task → skipped (an idempotent rerun); the 7-day count (live tasks + this plan) at the cap → skipped.
 */
export function planCareTasks(input: PlanInput): CarePlan {
  const { now, config } = input
  const plan: CarePlan = { tasks: [], skipped: [] }
  const had = new Set(input.existing.map(t => `${t.kind}|${t.occasion}`))
  let week = input.existing.filter(t => t.status !== 'closed' && t.createdAt.getTime() > now.getTime() - WEEK_MS && t.createdAt <= now).length
  const notBefore = config.quietHours && inQuietHours(config.quietHours, now) ? quietHoursEnd(config.quietHours, now) : now
  const rank = (k: CareKind) => CARE_KINDS.indexOf(k)
  for (const c of [...input.candidates].sort((a, b) => rank(a.kind) - rank(b.kind))) {
    const skip = (reason: CareSkipReason) => plan.skipped.push({ kind: c.kind, occasion: c.occasion, reason })
    if (switchedOff(input.subscription, c.kind, config as ReminderConfig)) skip('switch_off')
    else if (had.has(`${c.kind}|${c.occasion}`)) skip('duplicate')
    else if (week >= config.weeklyMarketingCap) skip('weekly_cap')
    else {
      had.add(`${c.kind}|${c.occasion}`)
      week++
      plan.tasks.push({ ...c, notBefore })
    }
  }
  return plan
}

export type CareMark = 'sent' | 'replied' | 'skipped'

/** A staff mark: the patch, or FAILED_PRECONDITION when the task cannot move that way. A pool task becomes the marker's. */
export function markPatch(task: Pick<CareTaskDoc, 'status' | 'assigneeId' | 'sentAt'>, mark: CareMark, staffId: string, now: Date, note?: string): Partial<CareTaskDoc> {
  const done = task.status === 'replied' || task.status === 'skipped' || task.status === 'closed'
  if (done) throw new AppError('FAILED_PRECONDITION', '这条关怀任务已完成')
  if (mark === 'sent' && task.status === 'sent') throw new AppError('FAILED_PRECONDITION', '已标记为已发送')
  if (mark === 'skipped' && task.status === 'sent') throw new AppError('FAILED_PRECONDITION', '消息已发送，不能跳过')
  const base = { assigneeId: task.assigneeId ?? staffId, markedBy: staffId, ...(note ? { note } : {}) }
  if (mark === 'skipped') return { ...base, status: 'skipped', skippedAt: now }
  // the 7-day buy window starts at 已发送: the daily step looks at the outcome again
  if (mark === 'sent') return { ...base, status: 'sent', sentAt: now, outcomeOpen: true }
  return { ...base, status: 'replied', sentAt: task.sentAt ?? now, repliedAt: now, ...(task.sentAt ? {} : { outcomeOpen: true }) }
}

/** The first purchase after the task (from 已发送, else creation) and within BUY_WINDOW_DAYS, or null (the purchase that caused it does not count). */
export function purchaseWithin(task: Pick<CareTaskDoc, 'createdAt' | 'sentAt'>, purchases: Array<{ _id: string; createdAt: Date; status?: string }>): { _id: string; createdAt: Date } | null {
  const start = (task.sentAt ?? task.createdAt).getTime()
  const end = start + BUY_WINDOW_DAYS * DAY_MS
  const inWindow = purchases.filter(p => p.status !== 'refunded' && p.createdAt.getTime() > start && p.createdAt.getTime() < end)
  return inWindow.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0] ?? null
}

/** Whether the 7-day window of a task is over at `now` (its outcome no longer changes). */
export const windowOver = (task: Pick<CareTaskDoc, 'createdAt' | 'sentAt'>, now: Date) => now.getTime() >= (task.sentAt ?? task.createdAt).getTime() + BUY_WINDOW_DAYS * DAY_MS

type ReportRow = Pick<CareTaskDoc, 'kind' | 'storeId' | 'assigneeId' | 'status' | 'sentAt' | 'boughtAt'>

function counts(rows: ReportRow[]): CareCounts {
  const sent = rows.filter(r => r.sentAt).length
  const bought = rows.filter(r => r.sentAt && r.boughtAt).length
  return {
    created: rows.length,
    sent,
    replied: rows.filter(r => r.status === 'replied').length,
    skipped: rows.filter(r => r.status === 'skipped').length,
    bought,
    buyRate: sent ? Math.round((bought / sent) * 1000) / 1000 : 0,
  }
}

function groupBy<K>(rows: ReportRow[], key: (r: ReportRow) => K): Array<[K, ReportRow[]]> {
  const m = new Map<K, ReportRow[]>()
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r])
  return [...m.entries()]
}

/** The report: counts per kind, store and staff; bought and the buy rate count sent tasks only. */
export function careReport(rows: ReportRow[], range: { from: string; to: string }, staffNames: Record<string, string>): CareOutputs['careReport'] {
  const byStaff = groupBy(rows, r => r.assigneeId).sort(([a], [b]) => String(a ?? '').localeCompare(String(b ?? '')))
  return {
    ...range,
    total: counts(rows),
    byKind: CARE_KINDS.map(kind => ({ kind, label: CARE_KIND_LABELS[kind], ...counts(rows.filter(r => r.kind === kind)) })),
    byStore: groupBy(rows, r => r.storeId)
      .sort(([a], [b]) => String(a ?? '').localeCompare(String(b ?? '')))
      .map(([storeId, list]) => ({ storeId, ...counts(list) })),
    byStaff: byStaff.map(([staffId, list]) => ({ staffId, name: staffId ? (staffNames[staffId] ?? null) : null, ...counts(list) })),
  }
}
