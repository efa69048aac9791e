import { useRef, useState } from 'react'
import type { CouponView } from '../../../../types/coupons'
import type { PurchaseLine } from '../../../../types/points'
import type { ProductAtTill } from '../../../../types/staff'
import { parseYuan } from '../../utils/money'
import { addProduct, basketCharge, draftOrderFen, purchaseLines, type BasketLine } from '../basket'
import { couponBlocker, keepUsable, toggleCoupon } from '../components/coupon-rules'

/** What a new submission sends, or why it cannot be sent yet. */
export type Checkout = { ok: true; amountFen: number; couponCodes: string[]; lines: PurchaseLine[] } | { ok: false; message: string }

/**
 * The order being rung up: the basket's lines and its 改价 amount, or the amount typed when there
 * are no products, and the coupons chosen (`list`: the member's coupons). A new order total drops
 * chosen coupons whose minimum spend it no longer reaches, with a hint. `locked()`: a submission is
 * in doubt or under way, the basket and the coupons cannot change.
 */
export function useOrderDraft(list: CouponView[], locked: () => boolean, clearError: () => void) {
  const [amount, setAmount] = useState('')
  /** selected coupon codes, in the order they were chosen (the order the server applies them) */
  const [selected, setSelected] = useState<string[]>([])
  const [hint, setHint] = useState('')
  /** the basket's lines and the 改价 amount (null: charged the lines' total) */
  const [lines, setLines] = useState<BasketLine[]>([])
  const [override, setOverride] = useState<string | null>(null)
  // the latest values, for two quick taps before a render and for answers arriving later
  const amountRef = useRef('')
  const linesRef = useRef<BasketLine[]>([])
  const overrideRef = useRef<string | null>(null)

  const byCode = new Map(list.map(c => [c.code, c]))

  /** a new order total: selected coupons whose minimum spend it no longer reaches are dropped */
  const recheckCoupons = (orderFen: number | null) => {
    const kept = keepUsable(selected, list, orderFen)
    if (kept.length !== selected.length) {
      const dropped = selected.filter(code => !kept.includes(code)).map(code => byCode.get(code)?.name ?? code)
      setSelected(kept)
      setHint(`订单金额未达到使用门槛，已取消「${dropped.join('、')}」`)
    }
  }

  const onAmount = (value: string) => {
    amountRef.current = value
    setAmount(value)
    recheckCoupons(draftOrderFen(lines, override, value))
  }

  const onLines = (next: BasketLine[]) => {
    if (locked()) return
    // an emptied basket drops its 改价 too
    const nextOverride = next.length ? overrideRef.current : null
    linesRef.current = next
    overrideRef.current = nextOverride
    setLines(next)
    setOverride(nextOverride)
    clearError()
    recheckCoupons(draftOrderFen(next, nextOverride, amountRef.current))
  }

  // from the ref: two quick taps (or scans) before a render both count
  const onAdd = (product: ProductAtTill) => onLines(addProduct(linesRef.current, product))

  const onOverride = (value: string | null) => {
    if (locked()) return
    overrideRef.current = value
    setOverride(value)
    recheckCoupons(draftOrderFen(lines, value, amount))
  }

  const onTap = (c: CouponView) => {
    if (locked()) return
    if (couponBlocker(c, draftOrderFen(lines, override, amount))) return
    const next = toggleCoupon(selected, c, list)
    setSelected(next.selected)
    setHint(next.hint)
  }

  /** The member's coupons reloaded: one used or expired meanwhile drops out of the selection. */
  const keepListed = (coupons: CouponView[]) => {
    const orderFen = draftOrderFen(linesRef.current, overrideRef.current, amountRef.current)
    setSelected(sel => keepUsable(sel, coupons, orderFen))
  }

  const checkout = (): Checkout => {
    // with products: the lines' total or the 改价 amount; without: the amount typed
    const parsed = lines.length ? basketCharge(lines, override) : parseYuan(amount)
    if (!parsed.ok) return { ok: false, message: parsed.message }
    const amountFen = 'amountFen' in parsed ? parsed.amountFen : parsed.fen
    const usable = keepUsable(selected, list, amountFen)
    if (usable.length !== selected.length) {
      setSelected(usable)
      return { ok: false, message: '所选的券有不能使用的，已取消，请核对后再提交' }
    }
    return { ok: true, amountFen, couponCodes: selected, lines: purchaseLines(lines) }
  }

  /** the order total before coupons as typed so far (null: none yet) */
  const orderFen = draftOrderFen(lines, override, amount)

  return { amount, lines, override, selected, hint, byCode, orderFen, onAmount, onLines, onAdd, onOverride, onTap, keepListed, checkout }
}
