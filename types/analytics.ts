import { z } from 'zod'

export const STAGES = ['new', 'active', 'loyal', 'sleeping', 'churned'] as const
export type Stage = (typeof STAGES)[number]
export const STAGE_NAMES: Record<Stage, string> = { new: '新客', active: '活跃', loyal: '忠诚', sleeping: '沉睡', churned: '流失' }

export const VALUE_LAYERS = ['high', 'mid', 'low', 'none'] as const
export type ValueLayer = (typeof VALUE_LAYERS)[number]

/** Lifecycle and RFM settings (`tiers_config/lifecycle`); defaults suit a retail brand buying every month or two. */
export const LifecycleConfigSchema = z
  .object({
    /** a member is new for this many days after joining (and until a first purchase, within activeWithinDays) */
    newDays: z.number().int().min(1).max(365),
    /** active: last purchase (or joining, with none) within this many days; older is sleeping */
    activeWithinDays: z.number().int().min(1).max(730),
    /** older than this since the last purchase is churned */
    churnedAfterDays: z.number().int().min(2).max(1095),
    loyal: z.object({ minTenureDays: z.number().int().min(1).max(3650), minPurchases12m: z.number().int().min(1).max(365) }).strict(),
    /** fixed RFM cut points (4 ascending values each); null: quintiles of the current population */
    rfmCutPoints: z
      .object({ recencyDays: z.array(z.number()).length(4), frequency: z.array(z.number()).length(4), monetaryFen: z.array(z.number()).length(4) })
      .strict()
      .nullable(),
    /** promotion-sensitive: at least this share of purchases used coupons (and 3+ purchases) */
    promoShare: z.number().min(0).max(1),
    /** a category preference tag needs this share of the categorised spend */
    categoryShare: z.number().min(0).max(1),
  })
  .strict()
  .refine(c => c.churnedAfterDays > c.activeWithinDays, '流失天数必须大于活跃天数')
export type LifecycleConfig = z.infer<typeof LifecycleConfigSchema>

export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  newDays: 30,
  activeWithinDays: 90,
  churnedAfterDays: 180,
  loyal: { minTenureDays: 365, minPurchases12m: 6 },
  rfmCutPoints: null,
  promoShare: 0.5,
  categoryShare: 0.4,
}

/** Purchase statistics kept on the member document (field `stats`), updated by every purchase and refund. */
export const MemberStatsSchema = z.object({
  purchases: z.number().int().min(0),
  /** distinct Shanghai days with a purchase (BG/NBD counts transactions per day) */
  purchaseDays: z.number().int().min(0),
  firstPurchaseAt: z.date().nullable(),
  lastPurchaseAt: z.date().nullable(),
  lastPurchaseDay: z.string().nullable(),
  spendFen: z.number().int(),
  /** paid on the first purchase day: Gamma-Gamma values repeat purchases, (spendFen − firstDayFen) / (purchaseDays − 1) */
  firstDayFen: z.number().int().default(0),
  couponPurchases: z.number().int().min(0),
  /** YYYY-MM → purchases and paid fen that month (last 13 months kept) */
  months: z.record(z.string(), z.object({ n: z.number().int(), fen: z.number().int() })),
  categoryFen: z.record(z.string(), z.number().int()),
})
export type MemberStats = z.infer<typeof MemberStatsSchema>

export const EMPTY_STATS: MemberStats = {
  purchases: 0,
  purchaseDays: 0,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
  lastPurchaseDay: null,
  spendFen: 0,
  firstDayFen: 0,
  couponPurchases: 0,
  months: {},
  categoryFen: {},
}

/**
 * Where the models are defined and computed reliably (domain/clv): every parameter positive and
 * finite; BG/NBD r ≤ 100, α ≤ 10,000 weeks, a ≤ 100 and a ≠ 1 (E[Y] divides by a − 1), b ≤ 1,000;
 * Gamma-Gamma q > 1 (the population mean spend pγ/(q − 1) is infinite otherwise), p, q ≤ 100,
 * γ ≤ 10⁹ (fen). Outside these the series behind E[Y] overflow and the scores come out NaN or negative.
 */
export const MODEL_PARAM_RANGES = {
  bg: { r: [0, 100], alpha: [0, 10_000], a: [0, 100], b: [0, 1_000] },
  gg: { p: [0, 100], q: [1, 100], gamma: [0, 1e9] },
} as const
const param = ([lo, hi]: readonly [number, number]) => z.number().gt(lo, `必须大于 ${lo}`).lte(hi, `不能超过 ${hi}`)
/** Fitted (or admin-pinned) buy-till-you-die parameters, in weeks (`tiers_config/models`). */
export const ModelParamsSchema = z
  .object({
    bg: z
      .object({ r: param(MODEL_PARAM_RANGES.bg.r), alpha: param(MODEL_PARAM_RANGES.bg.alpha), a: param(MODEL_PARAM_RANGES.bg.a), b: param(MODEL_PARAM_RANGES.bg.b) })
      .strict()
      .refine(bg => Math.abs(bg.a - 1) >= 1e-6, { message: 'a 不能等于 1（期望购买次数除以 a − 1）', path: ['a'] }),
    gg: z
      .object({ p: param(MODEL_PARAM_RANGES.gg.p), q: param(MODEL_PARAM_RANGES.gg.q), gamma: param(MODEL_PARAM_RANGES.gg.gamma) })
      .strict()
      .nullable(),
  })
  .strict()
export type ModelParams = z.infer<typeof ModelParamsSchema>

export interface Rfm {
  r: number
  f: number
  m: number
  score: number
  layer: ValueLayer
}
