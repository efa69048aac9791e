/**
 * Churn risk and customer value per member, from BG/NBD + Gamma-Gamma (domain/clv) and engagement.
 * Time unit: weeks; a "purchase" is a Shanghai day with purchases (as the models were fitted).
 *
 * risk = P(no purchase in the next HORIZON_WEEKS | history) × (1 − 0.6 × engagement), where
 * engagement ∈ [0, 1] is the strongest recent signal (a check-in, opening the mini-program, claiming
 * a coupon): a member who buys less but keeps coming back is not flagged as leaving. The reasons are
 * kept with the score, in the words an operator reads.
 */
import type { CheckinState } from '../types/checkin'
import type { MemberStats, ModelParams } from '../types/analytics'
import {
  conditionalExpectedPurchases,
  customerLifetimeValue,
  dayNumber,
  fitBgNbd,
  fitGammaGamma,
  groupCustomers,
  probabilityAlive,
  probabilityNoPurchase,
  type RfmCustomer,
  type SpendCustomer,
} from './clv'
import { shanghaiDay } from './time'

export const HORIZON_WEEKS = 13
const CLV_WEEKS = 52
const WEEKLY_DISCOUNT = 0.1 / 52

export type ModelCustomer = RfmCustomer & SpendCustomer

/** (x, t_x, T) in weeks and the mean repeat spend (fen), or null for a member who never bought. */
export function modelCustomer(stats: MemberStats, now: Date): ModelCustomer | null {
  if (!stats.firstPurchaseAt || !stats.lastPurchaseDay || stats.purchaseDays < 1) return null
  const first = dayNumber(shanghaiDay(stats.firstPurchaseAt))
  const x = stats.purchaseDays - 1
  return {
    x,
    tx: (dayNumber(stats.lastPurchaseDay) - first) / 7,
    T: Math.max(0, dayNumber(shanghaiDay(now)) - first) / 7,
    zbar: x > 0 ? Math.max(0, stats.spendFen - stats.firstDayFen) / x : 0,
  }
}

/** Fits both models on a sample (Gamma-Gamma needs repeat buyers; null when there are too few). */
export function fitModels(sample: ModelCustomer[]): ModelParams | null {
  if (sample.filter(c => c.x > 0).length < 20) return null
  const { r, alpha, a, b } = fitBgNbd(groupCustomers(sample))
  const repeat = sample.filter(c => c.x > 0 && c.zbar > 0)
  const gg = repeat.length >= 20 ? fitGammaGamma(repeat) : null
  return { bg: { r, alpha, a, b }, gg: gg ? { p: gg.p, q: gg.q, gamma: gg.gamma } : null }
}

export interface EngagementSignals {
  checkin: CheckinState | null
  lastLoginAt: Date
  lastClaimAt?: Date | null
}

const daysSince = (day: string, now: Date) => dayNumber(shanghaiDay(now)) - dayNumber(day)

export function engagement(s: EngagementSignals, now: Date): { score: number; reasons: string[] } {
  const signals: Array<[number, string]> = []
  if (s.checkin?.lastDay) {
    const d = daysSince(s.checkin.lastDay, now)
    if (d <= 7) signals.push([1, `最近 7 天内签到过（连续 ${s.checkin.streak} 天）`])
    else if (d <= 30) signals.push([0.5, '最近 30 天内签到过'])
  }
  const login = daysSince(shanghaiDay(s.lastLoginAt), now)
  if (login <= 7) signals.push([0.6, '最近 7 天打开过小程序'])
  else if (login <= 30) signals.push([0.3, '最近 30 天打开过小程序'])
  if (s.lastClaimAt && daysSince(shanghaiDay(s.lastClaimAt), now) <= 30) signals.push([0.6, '最近 30 天领过券'])
  const score = Math.max(0, ...signals.map(([v]) => v))
  return { score, reasons: signals.map(([, r]) => r) }
}

export interface ChurnScore {
  risk: number
  pAlive: number
  expectedPurchases: number
  clvFen: number
  reasons: string[]
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits

export function churnScore(stats: MemberStats, signals: EngagementSignals, params: ModelParams, now: Date): ChurnScore | null {
  const c = modelCustomer(stats, now)
  if (!c) return null
  const pAlive = probabilityAlive(params.bg, c)
  const pQuiet = probabilityNoPurchase(params.bg, HORIZON_WEEKS, c)
  const e = engagement(signals, now)
  const risk = pQuiet * (1 - 0.6 * e.score)
  const clv = params.gg ? customerLifetimeValue(params.bg, params.gg, c, { horizonPeriods: CLV_WEEKS, discountRatePerPeriod: WEEKLY_DISCOUNT }) : 0
  const reasons = [`未来 ${HORIZON_WEEKS} 周不再购买的概率 ${Math.round(pQuiet * 100)}%（已购 ${c.x + 1} 天，距上次购买 ${Math.round(c.T - c.tx)} 周）`, ...e.reasons]
  if (e.score > 0) reasons.push('近期仍有互动，风险已下调')
  return { risk: round(risk), pAlive: round(pAlive), expectedPurchases: round(conditionalExpectedPurchases(params.bg, HORIZON_WEEKS, c)), clvFen: Math.round(clv), reasons }
}

/** Why a score may not be stored (a non-finite or out-of-range value), or null when it is sound. */
export function churnScoreProblem(s: ChurnScore): string | null {
  const checks: Array<[keyof ChurnScore, number, number]> = [
    ['risk', 0, 1],
    ['pAlive', 0, 1],
    ['expectedPurchases', 0, Infinity],
    ['clvFen', 0, Infinity],
  ]
  for (const [key, lo, hi] of checks) {
    const v = s[key] as number
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) return `${key} = ${v} is outside [${lo}, ${hi}]`
  }
  return null
}

/**
 * churnScore that never yields garbage: a score the models cannot compute for this member (a series
 * that does not converge, NaN, a negative value) is `score: null` with the reason in `problem`.
 */
export function checkedChurnScore(stats: MemberStats, signals: EngagementSignals, params: ModelParams, now: Date): { score: ChurnScore | null; problem: string | null } {
  let score: ChurnScore | null
  try {
    score = churnScore(stats, signals, params, now)
  } catch (err) {
    return { score: null, problem: `churn score failed: ${(err as Error).message}` }
  }
  const problem = score ? churnScoreProblem(score) : null
  return problem ? { score: null, problem: `churn score not stored: ${problem}` } : { score, problem: null }
}
