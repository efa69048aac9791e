/**
 * The till's basket as plain data: lines of products with quantities, their total, and the amount
 * actually charged when staff give a discount (改价/优惠). Money in integer fen; no React, no Taro.
 */
import type { PurchaseLine } from '../../../types/points'
import type { ProductAtTill } from '../../../types/staff'
import { MAX_AMOUNT_FEN, parseYuan } from '../utils/money'

export interface BasketLine {
  productId: string
  title: string
  category: string
  priceFen: number
  quantity: number
}

/** What recordPurchase accepts (types/points.ts PurchaseLineSchema, types/staff.ts). */
export const MAX_QUANTITY = 9999
export const MAX_LINES = 200

/** Adds one (or `quantity`) of the product: a new line at the end, or more of an existing one (capped at MAX_QUANTITY). */
export function addProduct(lines: BasketLine[], product: ProductAtTill, quantity = 1): BasketLine[] {
  const i = lines.findIndex(l => l.productId === product.productId)
  if (i >= 0) return setQuantity(lines, product.productId, lines[i].quantity + quantity)
  if (lines.length >= MAX_LINES) return lines
  const { productId, title, category, priceFen } = product
  return [...lines, { productId, title, category, priceFen, quantity: Math.min(MAX_QUANTITY, Math.max(1, Math.floor(quantity))) }]
}

/** A new quantity for a line: 0 or less removes it; more than MAX_QUANTITY is capped. */
export function setQuantity(lines: BasketLine[], productId: string, quantity: number): BasketLine[] {
  if (!Number.isFinite(quantity) || quantity < 1) return removeLine(lines, productId)
  const q = Math.min(MAX_QUANTITY, Math.floor(quantity))
  return lines.map(l => (l.productId === productId ? { ...l, quantity: q } : l))
}

export function removeLine(lines: BasketLine[], productId: string): BasketLine[] {
  return lines.filter(l => l.productId !== productId)
}

export function lineFen(line: Pick<BasketLine, 'priceFen' | 'quantity'>): number {
  return line.priceFen * line.quantity
}

export function linesTotalFen(lines: ReadonlyArray<Pick<BasketLine, 'priceFen' | 'quantity'>>): number {
  return lines.reduce((sum, l) => sum + lineFen(l), 0)
}

export function itemCount(lines: ReadonlyArray<Pick<BasketLine, 'quantity'>>): number {
  return lines.reduce((sum, l) => sum + l.quantity, 0)
}

export type ChargeResult = { ok: true; totalFen: number; amountFen: number; discountFen: number } | { ok: false; totalFen: number; message: string }

/**
 * What the order comes to: the lines' total, or the amount typed in 改价/优惠 (`override`; null or
 * '' when not used), which must be more than 0 and at most the total. The difference is the discount.
 */
export function basketCharge(lines: ReadonlyArray<Pick<BasketLine, 'priceFen' | 'quantity'>>, override: string | null): ChargeResult {
  const totalFen = linesTotalFen(lines)
  if (totalFen <= 0) return { ok: false, totalFen, message: lines.length ? '明细合计为 0，请改用直接输入金额' : '请先添加商品' }
  if (totalFen > MAX_AMOUNT_FEN) return { ok: false, totalFen, message: '明细合计超出单笔上限，请分开录入' }
  if (override === null || override.trim() === '') return { ok: true, totalFen, amountFen: totalFen, discountFen: 0 }
  const parsed = parseYuan(override)
  if (!parsed.ok) return { ok: false, totalFen, message: `实收金额：${parsed.message}` }
  if (parsed.fen > totalFen) return { ok: false, totalFen, message: '实收金额不能高于明细合计' }
  return { ok: true, totalFen, amountFen: parsed.fen, discountFen: totalFen - parsed.fen }
}

/** The lines as recordPurchase takes them. */
export function purchaseLines(lines: ReadonlyArray<BasketLine>): PurchaseLine[] {
  return lines.map(({ productId, title, category, quantity, priceFen }) => ({ productId, title, category, quantity, priceFen }))
}

/**
 * A scanned or typed product code as the server takes it (types/products.ts productCode): spaces
 * removed; null when it cannot be a barcode or productId.
 */
export function normalizeProductCode(raw: string): string | null {
  const code = raw.replace(/\s+/g, '')
  return /^[\w-]{1,64}$/.test(code) ? code : null
}

/**
 * The order total before coupons as entered now: the basket's charge, or the typed amount when the
 * basket is empty (a till without products). Null while it is not valid.
 */
export function draftOrderFen(lines: ReadonlyArray<BasketLine>, override: string | null, amountText: string): number | null {
  if (lines.length) {
    const charge = basketCharge(lines, override)
    return charge.ok ? charge.amountFen : null
  }
  const parsed = parseYuan(amountText)
  return parsed.ok ? parsed.fen : null
}
