/** How many points a purchase earns under the brand's point rules (money in integer fen). */
import type { PointRules, PurchaseLine } from '../types/points'

export interface PurchaseForPoints {
  amountFen: number
  storeId: string
  lines?: PurchaseLine[]
}

/**
 * points = round(Σ line spend × category multiplier × promotion multiplier × store multiplier ×
 * tier multiplier × pointsPerYuan / 100). Without lines, the whole amount counts with no category.
 * When the amount differs from the lines' total (a discount at the till, a shop's shipping or
 * rebate), each line counts in the amount's share: line spend × amountFen / lines total.
 * Only the largest active promotion applies to each line. `tierMultiplier` is the hook for tiers.
 */
export function purchasePoints(purchase: PurchaseForPoints, rules: PointRules, now: Date, tierMultiplier = 1): number {
  const lines = purchase.lines?.length ? purchase.lines : [{ category: undefined, priceFen: purchase.amountFen, quantity: 1 }]
  let weightedFen = 0
  for (const line of lines) {
    const category = line.category
    const categoryMultiplier = category !== undefined ? (own(rules.categoryMultipliers, category) ?? 1) : 1
    weightedFen += line.priceFen * line.quantity * categoryMultiplier * promotionMultiplier(rules, now, purchase.storeId, category)
  }
  const linesFen = lines.reduce((sum, l) => sum + l.priceFen * l.quantity, 0)
  if (linesFen !== purchase.amountFen) weightedFen = linesFen > 0 ? (weightedFen * purchase.amountFen) / linesFen : purchase.amountFen
  const storeMultiplier = own(rules.storeMultipliers, purchase.storeId) ?? 1
  const raw = (weightedFen * storeMultiplier * tierMultiplier * rules.pointsPerYuan) / 100
  // multipliers such as 1.1 are not exact in binary: nudge before rounding so 19.999999 floors to 20
  const nudged = Math.round(raw * 1e6) / 1e6
  const rounded = rules.rounding === 'floor' ? Math.floor(nudged) : rules.rounding === 'ceil' ? Math.ceil(nudged) : Math.round(nudged)
  return Math.max(0, rounded)
}

/** The largest multiplier among promotions active at `now` that cover this store and category. */
export function promotionMultiplier(rules: PointRules, now: Date, storeId: string, category?: string): number {
  let best = 1
  for (const p of rules.promotions) {
    const active = new Date(p.start) <= now && now < new Date(p.end)
    const storeOk = !p.storeIds?.length || p.storeIds.includes(storeId)
    const categoryOk = !p.categories?.length || (category !== undefined && p.categories.includes(category))
    if (active && storeOk && categoryOk) best = Math.max(best, p.multiplier)
  }
  return best
}

/** A map's own entry: a category or store called "constructor" or "toString" must not find Object.prototype's. */
function own(map: Record<string, number>, key: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined
}
