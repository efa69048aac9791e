/**
 * Lifecycle stages, RFM and rule tags: pure functions, time passed in. Days are Shanghai calendar
 * days: "N days since" a purchase counts day boundaries in Asia/Shanghai, whatever the host zone.
 *
 * Stage (first match): churned — last purchase (or joining, with none) ≥ churnedAfterDays ago;
 * sleeping — ≥ activeWithinDays ago; new — joined < newDays ago, or no purchase yet; loyal — tenure ≥
 * loyal.minTenureDays and ≥ loyal.minPurchases12m purchases in the last 12 months; else active.
 */
import dayjs from 'dayjs'
import type { LifecycleConfig, MemberStats, Rfm, Stage, ValueLayer } from '../types/analytics'
import type { PurchaseLine } from '../types/points'
import { addMonths, shanghaiDay, shanghaiDayStart, shanghaiDaysBetween, shanghaiMonth } from './time'

/** The instant before which a moment is at least `days` Shanghai days ago. */
export function dayCutoff(now: Date, days: number): Date {
  // Shanghai days have no DST (domain/time.ts): a day is always 24 hours
  return new Date(shanghaiDayStart(now).getTime() - (days - 1) * 86_400_000)
}

/** The moment stages count from: the last purchase, or joining for members who never bought. */
export const recencyAt = (m: { createdAt: Date; stats: MemberStats }) => m.stats.lastPurchaseAt ?? m.createdAt

const monthKey = shanghaiMonth
const last12Months = (now: Date) => {
  const first = addMonths(shanghaiMonth(now), -11)
  return (m: string) => m >= first
}

export function purchases12m(stats: MemberStats, now: Date): number {
  const inWindow = last12Months(now)
  return Object.entries(stats.months).reduce((s, [m, v]) => (inWindow(m) ? s + v.n : s), 0)
}

export function spend12m(stats: MemberStats, now: Date): number {
  const inWindow = last12Months(now)
  return Object.entries(stats.months).reduce((s, [m, v]) => (inWindow(m) ? s + v.fen : s), 0)
}

export function stageOf(m: { createdAt: Date; stats: MemberStats }, cfg: LifecycleConfig, now: Date): Stage {
  const since = recencyAt(m)
  if (since < dayCutoff(now, cfg.churnedAfterDays)) return 'churned'
  if (since < dayCutoff(now, cfg.activeWithinDays)) return 'sleeping'
  if (!m.stats.lastPurchaseAt || m.createdAt >= dayCutoff(now, cfg.newDays)) return 'new'
  if (m.createdAt < dayCutoff(now, cfg.loyal.minTenureDays) && purchases12m(m.stats, now) >= cfg.loyal.minPurchases12m) return 'loyal'
  return 'active'
}

/**
 * The stage changes the mere passing of time causes, as conditions (members in `from` whose `field`
 * is before `before` move `to`; `stageOf` agrees with them). The daily job sets every member's stage
 * with its scores and counts its moves by these. Purchases move members the other way in the purchase
 * call itself; loyalty depends on a rolling count, which the same daily pass settles (active ⇄ loyal).
 */
export function timeTransitions(cfg: LifecycleConfig, now: Date): Array<{ to: Stage; from: Stage[]; field: 'recencyAt' | 'createdAt'; before: Date; purchased?: boolean }> {
  return [
    { to: 'churned', from: ['new', 'active', 'loyal', 'sleeping'], field: 'recencyAt', before: dayCutoff(now, cfg.churnedAfterDays) },
    { to: 'sleeping', from: ['new', 'active', 'loyal'], field: 'recencyAt', before: dayCutoff(now, cfg.activeWithinDays) },
    { to: 'active', from: ['new'], field: 'createdAt', before: dayCutoff(now, cfg.newDays), purchased: true },
  ]
}

/**
 * Stats after a purchase paying `paidFen` (lines give category spend, in the paid share of the lines'
 * total). The purchase may be older than ones already counted (an order a shop sends late, history
 * imported later): first and last purchase move only outward, and the 12-month window is kept from the
 * latest purchase. A late purchase on a day other than the first or last counts as a new purchase day
 * (the stats keep no list of days).
 */
export function withPurchase(stats: MemberStats, p: { paidFen: number; orderFen: number; at: Date; lines?: PurchaseLine[]; usedCoupon: boolean }): MemberStats {
  const day = shanghaiDay(p.at)
  const first = stats.firstPurchaseAt && stats.firstPurchaseAt <= p.at ? stats.firstPurchaseAt : p.at
  const last = stats.lastPurchaseAt && stats.lastPurchaseAt >= p.at ? stats.lastPurchaseAt : p.at
  const firstDay = shanghaiDay(first)
  const knownDay = day === stats.lastPurchaseDay || (stats.firstPurchaseAt !== null && day === shanghaiDay(stats.firstPurchaseAt))
  const month = monthKey(p.at)
  const keep = last12Months(dayjs(last).add(1, 'month').toDate())
  const months = Object.fromEntries(Object.entries(stats.months).filter(([m]) => keep(m) || m === month))
  if (keep(month)) {
    const cur = months[month] ?? { n: 0, fen: 0 }
    months[month] = { n: cur.n + 1, fen: cur.fen + p.paidFen }
  } else delete months[month]
  const categoryFen = { ...stats.categoryFen }
  const linesFen = (p.lines ?? []).reduce((s, l) => s + l.priceFen * l.quantity, 0)
  for (const line of p.lines ?? []) {
    if (!line.category) continue
    const share = linesFen ? Math.floor((line.priceFen * line.quantity * p.paidFen) / linesFen) : 0
    categoryFen[line.category] = (categoryFen[line.category] ?? 0) + share
  }
  // the first day's spend: this purchase opens an earlier first day, or adds to it
  const firstDayFen = day === firstDay ? (stats.firstPurchaseAt && shanghaiDay(stats.firstPurchaseAt) === day ? stats.firstDayFen + p.paidFen : p.paidFen) : stats.firstDayFen
  return {
    purchases: stats.purchases + 1,
    purchaseDays: stats.purchaseDays + (knownDay ? 0 : 1),
    firstPurchaseAt: first,
    lastPurchaseAt: last,
    lastPurchaseDay: shanghaiDay(last),
    spendFen: stats.spendFen + p.paidFen,
    firstDayFen,
    couponPurchases: stats.couponPurchases + (p.usedCoupon ? 1 : 0),
    months,
    categoryFen,
  }
}

/** Stats after refunding `refundedFen` of a purchase made at `purchaseAt` (counts stay: the visit happened). */
export function withRefund(stats: MemberStats, refundedFen: number, purchaseAt: Date): MemberStats {
  const month = monthKey(purchaseAt)
  const months = { ...stats.months }
  if (months[month]) months[month] = { ...months[month], fen: months[month].fen - refundedFen }
  return { ...stats, spendFen: stats.spendFen - refundedFen, months }
}

/** Quantile boundaries splitting `values` into k groups (k − 1 ascending cut points). */
export function cutPoints(values: number[], k = 5): number[] {
  if (!values.length) return Array(k - 1).fill(0)
  const sorted = [...values].sort((a, b) => a - b)
  return Array.from({ length: k - 1 }, (_x, i) => sorted[Math.min(sorted.length - 1, Math.floor(((i + 1) * sorted.length) / k))])
}

/** 1–5 by the cut points: values below the first cut score 1, at or above the last score 5. */
const score = (v: number, cuts: number[]) => 1 + cuts.filter(c => v >= c).length

export interface RfmCuts {
  recencyDays: number[]
  frequency: number[]
  monetaryFen: number[]
}

export function rfmInputs(stats: MemberStats, now: Date): { recencyDays: number; frequency: number; monetaryFen: number } | null {
  if (!stats.lastPurchaseAt) return null
  const recencyDays = shanghaiDaysBetween(stats.lastPurchaseAt, now)
  return { recencyDays, frequency: purchases12m(stats, now), monetaryFen: spend12m(stats, now) }
}

export function rfmOf(stats: MemberStats, cuts: RfmCuts, now: Date): Rfm | null {
  const x = rfmInputs(stats, now)
  if (!x) return null
  // recent is good: fewer days scores higher
  const r = 6 - score(x.recencyDays, cuts.recencyDays)
  const f = score(x.frequency, cuts.frequency)
  const m = score(x.monetaryFen, cuts.monetaryFen)
  const total = r + f + m
  const layer: ValueLayer = total >= 12 ? 'high' : total >= 8 ? 'mid' : 'low'
  return { r, f, m, score: total, layer }
}

/** Tags the rules give (admins' manual tags are kept apart and merged by the job). */
export function ruleTags(m: { stage: Stage; stats: MemberStats; rfm: Rfm | null; churnRisk: number | null }, cfg: LifecycleConfig): string[] {
  const tags: string[] = []
  if (m.stage === 'new') tags.push('新客')
  if (m.rfm?.layer === 'high') tags.push('高价值会员')
  if (m.stats.purchases >= 3 && m.stats.couponPurchases / m.stats.purchases >= cfg.promoShare) tags.push('促销敏感型')
  if (m.churnRisk !== null && m.churnRisk >= 0.7) tags.push('流失预警')
  const total = Object.values(m.stats.categoryFen).reduce((s, v) => s + Math.max(0, v), 0)
  for (const [category, fen] of Object.entries(m.stats.categoryFen)) {
    if (total > 0 && fen / total >= cfg.categoryShare) tags.push(`偏好:${category}`)
  }
  return tags
}
