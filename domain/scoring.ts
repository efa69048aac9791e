/**
 * The daily scoring of one member: stage (settles active ⇄ loyal), RFM and value layer, churn risk
 * and value, tier review, rule tags, the saved segments it is in. Pure and deterministic for a given run (`now` is the run's
 * instant), so a rerun computes the same values and writes nothing.
 */
import type { LifecycleConfig, ModelParams } from '../types/analytics'
import type { Member } from '../types/member'
import type { TierLadder } from '../types/tiers'
import { checkedChurnScore } from './churn'
import { rfmOf, ruleTags, stageOf, type RfmCuts } from './lifecycle'
import { sameIds, segmentIdsOf, type SavedRule } from './segments'
import { atReview, effectiveTierId, growthInWindow } from './tiers'

export interface ScoringContext {
  ladder: TierLadder
  lifecycle: LifecycleConfig
  cuts: RfmCuts
  models: ModelParams | null
  now: Date
  /** the saved segments, resolved at `now`: the member's `segmentIds` (how segments are read) */
  segments: readonly SavedRule[]
}

type Scored = Pick<Member, 'stage' | 'rfm' | 'valueLayer' | 'churn' | 'tier' | 'tierId' | 'ruleTags' | 'tags' | 'segmentIds'>

/** `problems`: what could not be computed for this member (stored as null instead; the caller logs them). */
export function scoreMember(m: Member, ctx: ScoringContext): { patch: Partial<Scored>; downgraded: boolean; problems: string[] } {
  const { now } = ctx
  const stage = stageOf(m, ctx.lifecycle, now)
  const rfm = rfmOf(m.stats, ctx.cuts, now)
  const checked = ctx.models ? checkedChurnScore(m.stats, { checkin: m.checkin, lastLoginAt: m.lastLoginAt, lastClaimAt: m.lastClaimAt }, ctx.models, now) : { score: null, problem: null }
  const score = checked.score
  const churn = score ? { ...score, scoredAt: now } : null
  const reviewed = m.tier ? atReview(m.tier, ctx.ladder, growthInWindow(m.growth, ctx.ladder, now), now) : { state: null, downgradedTo: null }
  const rules = ruleTags({ stage, stats: m.stats, rfm, churnRisk: churn?.risk ?? null }, ctx.lifecycle)
  const scores: Omit<Scored, 'segmentIds'> = {
    stage,
    rfm,
    valueLayer: rfm?.layer ?? 'none',
    // a member with no purchase keeps no churn score (not a customer yet)
    churn,
    tier: reviewed.state,
    tierId: effectiveTierId(reviewed.state, ctx.ladder, now),
    ruleTags: rules,
    tags: [...new Set([...m.manualTags, ...rules])],
  }
  // the segments the member is in with its new scores; the same set in another order is no change
  const segmentIds = segmentIdsOf({ ...m, ...scores }, ctx.segments)
  const next: Scored = { ...scores, segmentIds: sameIds(m.segmentIds, segmentIds) ? m.segmentIds : segmentIds }
  const patch: Partial<Scored> = {}
  for (const key of Object.keys(next) as Array<keyof Scored>) {
    if (JSON.stringify(next[key]) !== JSON.stringify(m[key] ?? null)) (patch as Record<string, unknown>)[key] = next[key]
  }
  return { patch, downgraded: !!reviewed.downgradedTo, problems: checked.problem ? [checked.problem] : [] }
}
