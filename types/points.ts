import { z } from 'zod'

/** Every change to a balance is one of these, written in the same transaction as the balance. */
export const LEDGER_KINDS = ['earn', 'spend', 'expire', 'adjust', 'reverse'] as const
export type LedgerKind = (typeof LEDGER_KINDS)[number]

export const SOURCE_TYPES = ['purchase', 'refund', 'admin', 'expiry', 'checkin', 'task', 'exchange', 'import', 'birthday'] as const
export type SourceType = (typeof SOURCE_TYPES)[number]

/** Points earned together expire together; spending takes from the oldest unexpired batch first. */
export interface PointBatch {
  batchId: string
  earnedAt: Date
  expiresAt: Date
  /** points of this batch not yet spent, expired or reversed */
  remaining: number
  sourceType: SourceType
  sourceId: string
}

/** What a member document holds about points: `points == sum(pointBatches.remaining) == sum(ledger deltas)`. */
export interface Wallet {
  points: number
  pointBatches: PointBatch[]
}

/** A ledger row as the domain decides it; the shell adds `_id`, `memberId`, `createdAt`, `operator`. */
export interface LedgerDraft {
  delta: number
  kind: LedgerKind
  sourceType: SourceType
  sourceId: string
  /** the batch an earn created, or the batch an expire/reverse took from */
  batchId: string | null
  /** for spend / negative adjust / reverse: which batches gave how much */
  consumed?: Array<{ batchId: string; amount: number }>
  /** points a refund should have taken back but could not (already spent): recorded, not charged */
  shortfall?: number
  balanceAfter: number
  reason?: string
}

export interface LedgerRow extends LedgerDraft {
  _id: string
  memberId: string
  createdAt: Date
  /** who caused it: a staff or admin OPENID, 'console', or 'system' for jobs */
  operator: string
}

const isoInstant = z.iso.datetime({ offset: true })

/** The Chinese names of `rounding` (the 设置 form's picker). */
export const ROUNDING_LABELS = { floor: '向下取整', round: '四舍五入', ceil: '向上取整' } as const

/**
 * Point rules (settings doc `pointRules`). Multipliers combine by product; promotions take the largest active one.
 * The `.describe()` / `.meta({ title, description, enumLabels })` texts label the console's 设置 form (admin settingsForm).
 */
export const PointRulesSchema = z
  .object({
    /** points for each yuan (100 fen) spent */
    pointsPerYuan: z.number().min(0).max(100).meta({ title: '每元积分', description: '每消费 1 元得多少积分（0–100）' }),
    rounding: z.enum(['floor', 'round', 'ceil']).meta({ title: '取整方式', enumLabels: ROUNDING_LABELS }),
    storeMultipliers: z
      .record(z.string().min(1).describe('门店编号'), z.number().min(0).max(10).describe('倍数'))
      .meta({ title: '门店倍数', description: '在这些门店消费时积分乘以倍数（0–10）；未列出的门店为 1 倍' }),
    categoryMultipliers: z
      .record(z.string().min(1).describe('品类'), z.number().min(0).max(10).describe('倍数'))
      .meta({ title: '品类倍数', description: '这些品类的商品积分乘以倍数（0–10）；未列出的品类为 1 倍' }),
    promotions: z
      .array(
        z
          .object({
            name: z.string().min(1).max(40).describe('活动名称'),
            start: isoInstant.describe('开始时间'),
            end: isoInstant.describe('结束时间'),
            multiplier: z.number().min(1).max(10).describe('倍数'),
            storeIds: z.array(z.string().min(1).describe('门店编号')).optional().meta({ title: '限门店', description: '不填：所有门店' }),
            categories: z.array(z.string().min(1).describe('品类')).optional().meta({ title: '限品类', description: '不填：所有品类' }),
          })
          .strict()
          .refine(p => p.start < p.end, '活动结束时间必须晚于开始时间')
          .describe('活动'),
      )
      .meta({ title: '限时多倍积分', description: '同时进行的活动取最大倍数；结束时间须晚于开始时间' }),
    /** earned points expire at the end of the Nth calendar month (Shanghai) after the month they were earned */
    expiryMonths: z.number().int().min(1).max(60).meta({ title: '有效期（月）', description: '积分在获得当月之后第 N 个自然月的月底过期' }),
  })
  .strict()
export type PointRules = z.infer<typeof PointRulesSchema>

export const DEFAULT_POINT_RULES: PointRules = {
  pointsPerYuan: 1,
  rounding: 'floor',
  storeMultipliers: {},
  categoryMultipliers: {},
  promotions: [],
  expiryMonths: 12,
}

/** One line of a purchase: money in integer fen. */
export const PurchaseLineSchema = z
  .object({
    productId: z.string().min(1).max(64),
    /** the product's name when sold, so a purchase reads well after the catalog changes */
    title: z.string().min(1).max(60).optional(),
    category: z.string().min(1).max(40).optional(),
    quantity: z.number().int().min(1).max(9999),
    priceFen: z.number().int().min(0).max(100_000_000),
  })
  .strict()
export type PurchaseLine = z.infer<typeof PurchaseLineSchema>

/** The consumer's view of their points. */
export interface PointsSummary {
  balance: number
  /** points that will expire within 30 days, and the earliest such date (ISO) */
  expiring: { amount: number; date: string } | null
}

export interface LedgerItem {
  id: string
  delta: number
  kind: LedgerKind
  sourceType: SourceType
  balanceAfter: number
  createdAt: string
  reason?: string
}
