/**
 * Campaigns with a holdout: which members are held out, and how much the treated group's buying
 * differs from the holdout's over the campaign window (lift, with a confidence interval).
 */
import { sha256 } from 'js-sha256'
import type { CampaignCouponForecast, GroupFigures, GroupOutcome, LiftReport } from '../types/campaigns'
import type { CouponTemplate } from '../types/coupons'
import { category, legend, valueAxis } from './charts'
import { offerBlocker } from './coupons'
import type { ResolvedRule } from './segments'

export type CampaignGroup = 'treated' | 'holdout'

/** Holdout buckets are basis points: 10 % holds out buckets 0–999 of 0–9999. */
const BUCKETS = 10_000

/**
 * The member's group, fixed by the campaign id and the member alone: rerunning a campaign start,
 * or starting it on another machine, never moves anybody between groups.
 */
export function campaignGroup(campaignId: string, memberId: string, holdoutPercent: number): CampaignGroup {
  const bucket = parseInt(sha256(`${campaignId}\n${memberId}`).slice(0, 8), 16) % BUCKETS
  return bucket < holdoutPercent * (BUCKETS / 100) ? 'holdout' : 'treated'
}

export type { GroupFigures, GroupOutcome, LiftReport }

const Z95 = 1.96

/**
 * The 95 % Wilson score interval of a proportion `hits / n`: unlike the normal approximation it stays
 * inside [0, 1] and is not empty at 0 or n hits (small holdout groups). null when n is 0.
 */
export function proportionInterval95(hits: number, n: number): [number, number] | null {
  if (n <= 0) return null
  const p = hits / n
  const z2 = Z95 * Z95
  const denominator = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denominator
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator
  return [Math.max(0, center - half), Math.min(1, center + half)]
}

function figures(g: GroupOutcome): GroupFigures {
  return { ...g, conversion: g.members ? g.buyers / g.members : 0, conversion95: proportionInterval95(g.buyers, g.members), spendPerMemberFen: g.members ? g.spendFen / g.members : 0 }
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

export function liftReport(treatedOutcome: GroupOutcome, holdoutOutcome: GroupOutcome): LiftReport {
  const treated = figures(treatedOutcome)
  const holdout = figures(holdoutOutcome)
  const diff = treated.conversion - holdout.conversion
  const bothHaveMembers = treated.members > 0 && holdout.members > 0
  let interval: [number, number] | null = null
  let pValue: number | null = null
  if (bothHaveMembers) {
    const se = Math.sqrt((treated.conversion * (1 - treated.conversion)) / treated.members + (holdout.conversion * (1 - holdout.conversion)) / holdout.members)
    interval = [diff - Z95 * se, diff + Z95 * se]
    const pooled = (treated.buyers + holdout.buyers) / (treated.members + holdout.members)
    const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / treated.members + 1 / holdout.members))
    pValue = se0 > 0 ? 2 * (1 - normalCdf(Math.abs(diff) / se0)) : 1
  }
  return {
    treated,
    holdout,
    conversionDiff: diff,
    conversionDiff95: interval,
    relativeLift: holdout.conversion > 0 ? treated.conversion / holdout.conversion - 1 : null,
    pValue,
    incrementalBuyers: bothHaveMembers ? diff * treated.members : 0,
    incrementalSpendFen: bothHaveMembers ? Math.round((treated.spendPerMemberFen - holdout.spendPerMemberFen) * treated.members) : 0,
  }
}

/** What the dry run knows of one treated member: the fields the template's audience reads. */
export type ForecastMember = { _id: string; tierId?: string; tags?: string[] } & Record<string, unknown>

/**
 * What a campaign start would do with the coupon, member by member in the order it issues (by id):
 * the same checks as issuing (paused, ended, stock, per-member limit, audience), counting the stock
 * and the partner codes left (`codesLeft`, null without a code pool) down as it goes. `atLimit`: the
 * treated members who already hold `perMemberLimit` of the template.
 */
export function forecastCampaignCoupons(args: {
  template: CouponTemplate
  treated: ForecastMember[]
  atLimit: ReadonlySet<string>
  codesLeft: number | null
  segment: ResolvedRule | null
  now: Date
}): CampaignCouponForecast {
  const { template, atLimit, segment, now } = args
  let stock = template.stock
  let codesLeft = args.codesLeft
  let wouldIssue = 0
  const skipped: Record<string, number> = {}
  for (const m of [...args.treated].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))) {
    const held = atLimit.has(m._id) ? template.perMemberLimit : 0
    const reason = offerBlocker({ ...template, stock }, held, m, now, segment) ?? (codesLeft !== null && codesLeft <= 0 ? '已领完' : null)
    if (reason) {
      skipped[reason] = (skipped[reason] ?? 0) + 1
      continue
    }
    wouldIssue++
    if (stock !== null) stock--
    if (codesLeft !== null) codesLeft--
  }
  return { wouldIssue, alreadyIssued: 0, skipped }
}

export const GROUP_NAMES: Record<CampaignGroup, string> = { treated: '触达组', holdout: '对照组' }
export const DIFF_NAME = '差异（百分点）'
const INTERVAL_COLOR = '#1f2329'

/** 0.1234 → 12.3 (percent, one decimal) */
const percent = (x: number) => Math.round(x * 1000) / 10

/**
 * The lift as a bar chart: the buyer rate of 触达组 and 对照组 and their difference (percentage
 * points), each with its 95 % interval drawn as an error bar — a vertical line with caps at both
 * ends (one line series per bar: two points on the same category). An empty group has no interval.
 */
export function liftChartOption(lift: LiftReport): Record<string, unknown> {
  const bars = [
    { name: GROUP_NAMES.treated, value: lift.treated.conversion, interval: lift.treated.conversion95 },
    { name: GROUP_NAMES.holdout, value: lift.holdout.conversion, interval: lift.holdout.conversion95 },
    { name: DIFF_NAME, value: lift.conversionDiff, interval: lift.conversionDiff95 },
  ]
  const errorBars = bars.flatMap((b, i) =>
    b.interval
      ? [
          {
            type: 'line',
            name: '95% 区间',
            data: [
              [i, percent(b.interval[0])],
              [i, percent(b.interval[1])],
            ],
            symbol: 'rect',
            symbolSize: [18, 2],
            showSymbol: true,
            lineStyle: { color: INTERVAL_COLOR, width: 2 },
            itemStyle: { color: INTERVAL_COLOR },
            z: 3,
          },
        ]
      : [],
  )
  return {
    legend: legend(errorBars.length ? ['购买率', '95% 区间'] : ['购买率']),
    xAxis: category(bars.map(b => b.name)),
    yAxis: { ...valueAxis('购买率 %'), minInterval: 0 },
    series: [{ type: 'bar', name: '购买率', data: bars.map(b => percent(b.value)), colorBy: 'data', barWidth: '45%', label: { show: true, position: [4, -16], formatter: '{c}%' } }, ...errorBars],
  }
}
