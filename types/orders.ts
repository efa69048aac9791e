/**
 * Orders from outside the till: a POS or an online shop over the signed HTTP API (`orders`
 * function), and a brand's history (`admin.importOrders`, fed by `npm run import -- orders`).
 * An order is identified by (source, orderId): sending it again answers the first result.
 */
import { z } from 'zod'
import { couponCode } from './coupons'
import { externalId, importBatchId } from './import'
import { memberNo, phoneNumber } from './member'

/** Names the system an order comes from (`pos-shanghai`, `tmall`, `history`). */
export const orderSource = z.string().regex(/^[\w.-]{1,32}$/, 'source 为 1–32 位字母数字、_、. 或 -')
export const orderId = z.string().regex(/^[\x21-\x7e]{1,64}$/, 'orderId 为 1–64 位可见 ASCII 字符')
export const refundId = z.string().regex(/^[\x21-\x7e]{1,64}$/, 'refundId 为 1–64 位可见 ASCII 字符')
const fen = z.number().int().min(0).max(100_000_000)

export const ORDER_LINES_MAX = 200
/** An order may be stamped at most this far ahead of the server's clock (tills drift). */
export const ORDER_CLOCK_SKEW_MS = 10 * 60_000

export const OrderLineSchema = z
  .object({
    /** the shop's product code: the catalog's productId when it is one (letters, digits, _ -) */
    sku: z.string().min(1).max(64),
    title: z.string().min(1).max(60).optional(),
    category: z.string().min(1).max(40).optional(),
    quantity: z.number().int().min(1).max(9999),
    priceFen: fen,
  })
  .strict()
export type OrderLine = z.infer<typeof OrderLineSchema>

/** Who bought: a member number, or a phone / the brand's own customer id that may not be a member yet. */
export const OrderMemberSchema = z.union([z.object({ memberNo }).strict(), z.object({ phone: phoneNumber }).strict(), z.object({ externalId }).strict()])
export type OrderMember = z.infer<typeof OrderMemberSchema>

export const OrderSchema = z
  .object({
    source: orderSource,
    orderId,
    /** when it was bought, with its offset (2026-12-06T14:30:00+08:00) */
    createdAt: z.iso.datetime({ offset: true }),
    storeId: z
      .string()
      .regex(/^[\w-]{1,32}$/, 'storeId 为 1–32 位字母数字')
      .optional(),
    member: OrderMemberSchema,
    /** what the customer paid, before coupons named here: may differ from the lines' total (discounts, shipping) */
    amountFen: fen,
    lines: z.array(OrderLineSchema).min(1).max(ORDER_LINES_MAX),
    couponCodes: z.array(couponCode).max(5).optional(),
  })
  .strict()
export type Order = z.infer<typeof OrderSchema>

export const OrderRefundSchema = z
  .object({
    source: orderSource,
    orderId,
    /** the shop's refund id: sending it again answers the first result */
    refundId,
    /** omitted: what is left of the order */
    amountFen: z.number().int().min(1).max(100_000_000).optional(),
    reason: z.string().max(100).optional(),
  })
  .strict()
export type OrderRefund = z.infer<typeof OrderRefundSchema>

/** What the API answers for an order (also on a replay, with the order's state now). */
export interface OrderResult {
  source: string
  orderId: string
  /** credited to a member, or kept until its phone binds / its external id is claimed */
  status: 'credited' | 'pending'
  memberNo: string | null
  purchaseId: string | null
  pointsEarned: number
  /** the member's balance right after crediting (null while pending) */
  balance: number | null
  replayed: boolean
}

export interface OrderRefundResult {
  source: string
  orderId: string
  refundId: string
  amountFen: number
  /** points taken back now (0 while the order is pending: its refunds apply when it is credited) */
  pointsReversed: number
  shortfall: number
  status: 'credited' | 'pending'
  replayed: boolean
}

// ---------------------------------------------------------------------------------------------
// API keys (admin)

export const apiKeyId = z.string().regex(/^ak_[0-9a-f]{16}$/, 'keyId 形如 ak_ 加 16 位十六进制')

export interface ApiKeyView {
  keyId: string
  name: string
  status: 'active' | 'revoked'
  ratePerMinute: number
  createdAt: string
  revokedAt: string | null
}

export const DEFAULT_RATE_PER_MINUTE = 600
/** A signed request's timestamp may be this far from the server's clock. */
export const SIGNATURE_WINDOW_SECONDS = 300

// ---------------------------------------------------------------------------------------------
// History import (admin.importOrders)

export const ORDER_IMPORT_MAX = 200

/** Stable per-order error codes in an import report. */
export const ORDER_IMPORT_ERRORS = [
  'INVALID_ORDER', // the order failed validation (field says which)
  'DUPLICATE_IN_BATCH', // the same orderId appears earlier in this call
  'ORDER_CONFLICT', // the orderId was imported or sent before with other content
  'UNKNOWN_MEMBER', // a memberNo that is no member
  'CONFLICT', // too much contention right now: send the batch again
] as const
export type OrderImportErrorCode = (typeof ORDER_IMPORT_ERRORS)[number]

export interface OrderImportError {
  /** 0-based index in this call's orders */
  index: number
  orderId: string | null
  code: OrderImportErrorCode
  message: string
  field?: string
}

export interface OrderImportReport {
  batchId: string
  dryRun: boolean
  received: number
  /** credited to members now */
  imported: number
  /** kept until their phone binds or their external id is claimed */
  pending: number
  /** imported before with the same content: nothing written */
  unchanged: number
  rejected: number
  errors: OrderImportError[]
  /** indexes not reached within the call's time budget: send them again */
  unfinished: number[]
}

export const OrderAdminActions = {
  createApiKey: z
    .object({
      action: z.literal('createApiKey'),
      /** who uses it: 「门店 POS」「天猫旗舰店」 */
      name: z.string().min(1).max(40),
      ratePerMinute: z.number().int().min(1).max(10_000).default(DEFAULT_RATE_PER_MINUTE),
    })
    .strict(),
  revokeApiKey: z.object({ action: z.literal('revokeApiKey'), keyId: apiKeyId }).strict(),
  listApiKeys: z.object({ action: z.literal('listApiKeys') }).strict(),
  importOrders: z
    .object({
      action: z.literal('importOrders'),
      batchId: importBatchId,
      /** each order's source (the CLI's --source, default 'history') */
      source: orderSource,
      /** history earns no points unless asked (`--award-points`) */
      awardPoints: z.boolean().default(false),
      dryRun: z.boolean().default(false),
      /** validated one by one (OrderSchema without source): a bad order is reported, not fatal */
      orders: z.array(z.unknown()).min(1).max(ORDER_IMPORT_MAX),
    })
    .strict(),
}
