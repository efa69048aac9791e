import { z } from 'zod'

/** Every change to a balance is one of these, written in the same transaction as the balance. */
export const LEDGER_KINDS = ['earn', 'spend', 'expire', 'adjust', 'reverse'] as const
export type LedgerKind = (typeof LEDGER_KINDS)[number]

export const SOURCE_TYPES = ['purchase', 'refund', 'admin', 'expiry', 'checkin', 'task', 'exchange', 'import'] as const
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

/** Point rules (settings doc `pointRules`). Multipliers combine by product; promotions take the largest active one. */
export const PointRulesSchema = z
  .object({
    /** points for each yuan (100 fen) spent */
    pointsPerYuan: z.number().min(0).max(100),
    rounding: z.enum(['floor', 'round', 'ceil']),
    storeMultipliers: z.record(z.string().min(1), z.number().min(0).max(10)),
    categoryMultipliers: z.record(z.string().min(1), z.number().min(0).max(10)),
    promotions: z.array(
      z
        .object({
          name: z.string().min(1).max(40),
          start: isoInstant,
          end: isoInstant,
          multiplier: z.number().min(1).max(10),
          storeIds: z.array(z.string().min(1)).optional(),
          categories: z.array(z.string().min(1)).optional(),
        })
        .strict()
        .refine(p => p.start < p.end, '活动结束时间必须晚于开始时间'),
    ),
    /** earned points expire at the end of the Nth calendar month (Shanghai) after the month they were earned */
    expiryMonths: z.number().int().min(1).max(60),
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
