/**
 * Campaigns with a holdout: which members are held out, and how much the treated group's buying
 * differs from the holdout's over the campaign window (lift, with a confidence interval).
 */
import { sha256 } from 'js-sha256'

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

/** What one group did during the window. */
export interface GroupOutcome {
  members: number
  /** members with at least one purchase in the window */
  buyers: number
  purchases: number
  /** paid, net of refunds */
  spendFen: number
}

export interface GroupFigures extends GroupOutcome {
  /** buyers / members */
  conversion: number
  spendPerMemberFen: number
}

export interface LiftReport {
  treated: GroupFigures
  holdout: GroupFigures
  /** treated conversion − holdout conversion, in percentage points of conversion (0.05 = 5 points) */
  conversionDiff: number
  /** 95 % interval of that difference (normal approximation); null when a group is empty */
  conversionDiff95: [number, number] | null
  /** treated conversion / holdout conversion − 1; null when the holdout bought nothing */
  relativeLift: number | null
  /** two-sided p-value of "the conversions are equal" (pooled two-proportion z-test) */
  pValue: number | null
  /** purchases the treatment caused: the conversion difference times the treated group */
  incrementalBuyers: number
  /** spend the treatment caused: the spend-per-member difference times the treated group */
  incrementalSpendFen: number
}

function figures(g: GroupOutcome): GroupFigures {
  return { ...g, conversion: g.members ? g.buyers / g.members : 0, spendPerMemberFen: g.members ? g.spendFen / g.members : 0 }
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x)
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
    interval = [diff - 1.96 * se, diff + 1.96 * se]
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
