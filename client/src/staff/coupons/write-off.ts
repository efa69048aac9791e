/** What the 核销券 page keeps and decides, apart from its screens. */
import type { CouponView, WriteOffView } from '../../../../types/coupons'
import type { MemberAtTill } from '../../../../types/staff'
import type { TillMemberRef } from '../../services/staff'
import { formatFen, parseYuan } from '../../utils/money'
import { UNDO_WINDOW_MINUTES, couponBlocker, couponCodeText, previewDiscount } from '../components/coupon-rules'

/** The member whose coupon is written off, and their coupons usable now. */
export interface Target {
  member: MemberAtTill
  ref: TillMemberRef
  coupons: CouponView[]
}

/** One write-off: its requestId is reused when retrying after an unknown outcome. */
export interface Attempt {
  requestId: string
  couponCode: string
  orderFen?: number
}

export interface Done {
  writeOff: WriteOffView
  replayed: boolean
  /** the coupon as listed before the write-off (null: typed code not in the list) */
  coupon: CouponView | null
  /** until when (device clock) 撤销核销 is offered */
  undoUntil: number
}

export const COUPON_CODE_RE = /^\d{12}$/
const WINDOW_MS = UNDO_WINDOW_MINUTES * 60_000

/** A write-off to confirm, from the code and the amount typed; or why it cannot be sent. */
export type Draft = { ok: true; couponCode: string; orderFen?: number; listed: CouponView | null } | { ok: false; message: string }

export function draftWriteOff(code: string, amount: string, coupons: CouponView[]): Draft {
  const value = code.replace(/\s+/g, '')
  if (!COUPON_CODE_RE.test(value)) {
    return { ok: false, message: value ? '券码为 12 位数字，请核对' : '请选择一张券，或扫描/输入 12 位券码' }
  }
  let orderFen: number | undefined
  if (amount.trim()) {
    const parsed = parseYuan(amount)
    if (!parsed.ok) return { ok: false, message: parsed.message }
    orderFen = parsed.fen
  }
  const listed = coupons.find(c => c.code === value) ?? null
  if (listed) {
    const blocker = couponBlocker(listed, orderFen ?? null)
    if (blocker) {
      return { ok: false, message: blocker.startsWith('未满') ? `「${listed.name}」${blocker}，请填写达到门槛的消费金额` : `「${listed.name}」${blocker}` }
    }
  }
  return { ok: true, couponCode: value, orderFen, listed }
}

/** The question asked before writing off: which coupon, the amount and the expected discount. */
export function confirmText({ couponCode, orderFen, listed }: Extract<Draft, { ok: true }>): string {
  return `${listed ? `核销「${listed.name}」（${listed.summary}）` : `核销券 ${couponCodeText(couponCode)}`}${
    orderFen !== undefined ? `，消费金额 ${formatFen(orderFen)}` : ''
  }${listed && orderFen !== undefined ? `，预计抵扣 ${formatFen(previewDiscount([listed], orderFen).discountFen)}` : ''}？${UNDO_WINDOW_MINUTES} 分钟内可撤销。`
}

/** A fresh write-off happened just now (device clock); a replayed one at its recorded time. */
export function undoUntilOf(writeOff: WriteOffView, replayed: boolean, now: number): number {
  const at = Date.parse(writeOff.at)
  return (replayed && Number.isFinite(at) ? Math.min(at, now) : now) + WINDOW_MS
}
