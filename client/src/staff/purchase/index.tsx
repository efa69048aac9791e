import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CouponView } from '../../../../types/coupons'
import type { PurchaseLine } from '../../../../types/points'
import type { ProductAtTill } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { fenToYuanText, formatFen, parseYuan } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import { addProduct, basketCharge, draftOrderFen, purchaseLines, type BasketLine } from '../basket'
import AmountEntry from '../components/amount-entry'
import Basket from '../components/basket'
import CouponList from '../components/coupon-list'
import { couponBlocker, couponErrorText, isCouponFailure, keepUsable, previewDiscount, rememberCoupons, toggleCoupon } from '../components/coupon-rules'
import StaffDenied from '../components/denied'
import ProductPicker from '../components/product-picker'
import { isDenied, mayHaveHappened, needsRescan, till, tillErrorText } from '../till'
import '../staff.css'

function backToScan() {
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/staff/scan/index' }))
  } else {
    void Taro.redirectTo({ url: '/staff/scan/index' })
  }
}

/** A submission: its requestId, the order total before coupons, the coupons written off with it, and what was bought. */
interface Attempt {
  requestId: string
  amountFen: number
  couponCodes: string[]
  lines: PurchaseLine[]
}

type Coupons = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; list: CouponView[] }

/**
 * The basket (or, with no products, just the order total) for the member being served, and the
 * member's coupons to use on it (one non-stackable coupon, or several stackable ones). One requestId
 * per submission: when the answer is lost (network) the retry sends the same id, and the basket,
 * amount and coupons are locked, so nothing is awarded or written off twice.
 */
export default function PurchasePage() {
  const [served] = useState(() => till.served())
  const [amount, setAmount] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')
  const [rescan, setRescan] = useState(false)
  const [denied, setDenied] = useState(false)
  const [coupons, setCoupons] = useState<Coupons>({ status: 'loading' })
  /** selected coupon codes, in the order they were chosen (the order the server applies them) */
  const [selected, setSelected] = useState<string[]>([])
  const [hint, setHint] = useState('')
  /** the submission whose outcome is not known yet: retried as is */
  const [pending, setPending] = useState<Attempt | null>(null)
  const pendingRef = useRef<Attempt | null>(null)
  const submittingRef = useRef(false)
  const amountRef = useRef('')
  /** the basket's lines and the 改价 amount (null: charged the lines' total) */
  const [lines, setLines] = useState<BasketLine[]>([])
  const [override, setOverride] = useState<string | null>(null)
  const linesRef = useRef<BasketLine[]>([])
  const overrideRef = useRef<string | null>(null)
  const loadSeq = useRef(0)

  const loadCoupons = useCallback(async () => {
    if (!served) return
    const mine = ++loadSeq.current
    setCoupons(s => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const res = await staffApi.memberCoupons(served.ref)
      if (mine !== loadSeq.current) return
      if (res.ok) {
        rememberCoupons(res.data.coupons)
        setCoupons({ status: 'ready', list: res.data.coupons })
        // a coupon used or expired meanwhile drops out of the selection
        if (!pendingRef.current) {
          const orderFen = draftOrderFen(linesRef.current, overrideRef.current, amountRef.current)
          setSelected(sel => keepUsable(sel, res.data.coupons, orderFen))
        }
        return
      }
      if (isDenied(res)) {
        setDenied(true)
        return
      }
      if (needsRescan(res)) {
        setRescan(true)
        setError(tillErrorText(res))
      }
      setCoupons({ status: 'error', message: tillErrorText(res) })
    } catch (err) {
      if (mine !== loadSeq.current) return
      setCoupons({ status: 'error', message: err instanceof Error ? err.message : '网络异常，请重试' })
    }
  }, [served])

  useEffect(() => {
    void loadCoupons()
  }, [loadCoupons])

  if (denied) return <StaffDenied />

  if (!served) {
    return (
      <View className='page'>
        <View id='purchase-no-member' className='state'>
          <Text className='muted'>请先扫码或按手机号识别会员</Text>
          <Button id='purchase-to-scan' className='btn-primary staff-denied-home' onClick={() => void Taro.redirectTo({ url: '/staff/scan/index' })}>
            去识别会员
          </Button>
        </View>
      </View>
    )
  }

  const list = coupons.status === 'ready' ? coupons.list : []
  const byCode = new Map(list.map(c => [c.code, c]))

  const keepPending = (p: Attempt | null) => {
    pendingRef.current = p
    setPending(p)
  }

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
    if (pendingRef.current || submittingRef.current) return
    // an emptied basket drops its 改价 too
    const nextOverride = next.length ? overrideRef.current : null
    linesRef.current = next
    overrideRef.current = nextOverride
    setLines(next)
    setOverride(nextOverride)
    setError('')
    recheckCoupons(draftOrderFen(next, nextOverride, amountRef.current))
  }

  // from the ref: two quick taps (or scans) before a render both count
  const onAdd = (product: ProductAtTill) => onLines(addProduct(linesRef.current, product))

  const onOverride = (value: string | null) => {
    if (pendingRef.current || submittingRef.current) return
    overrideRef.current = value
    setOverride(value)
    recheckCoupons(draftOrderFen(lines, value, amount))
  }

  const onTap = (c: CouponView) => {
    if (pendingRef.current || submittingRef.current) return
    if (couponBlocker(c, draftOrderFen(lines, override, amount))) return
    const next = toggleCoupon(selected, c, list)
    setSelected(next.selected)
    setHint(next.hint)
  }

  const submit = async () => {
    // H5's Button still fires onClick while disabled: guard here too
    if (submittingRef.current) return
    let attempt = pendingRef.current
    if (!attempt) {
      // with products: the lines' total or the 改价 amount; without: the amount typed
      const parsed = lines.length ? basketCharge(lines, override) : parseYuan(amount)
      if (!parsed.ok) {
        setError(parsed.message)
        return
      }
      const amountFen = 'amountFen' in parsed ? parsed.amountFen : parsed.fen
      const usable = keepUsable(selected, list, amountFen)
      if (usable.length !== selected.length) {
        setSelected(usable)
        setError('所选的券有不能使用的，已取消，请核对后再提交')
        return
      }
      attempt = { requestId: newRequestId('p'), amountFen, couponCodes: selected, lines: purchaseLines(lines) }
      keepPending(attempt)
    }
    submittingRef.current = true
    setSubmitting(true)
    setError('')
    setRescan(false)
    try {
      const res = await staffApi.recordPurchase({
        requestId: attempt.requestId,
        member: served.ref,
        amountFen: attempt.amountFen,
        couponCodes: attempt.couponCodes,
        lines: attempt.lines,
      })
      if (!res.ok) {
        if (isDenied(res)) {
          setDenied(true)
          return
        }
        if (mayHaveHappened(res)) {
          setError(`${tillErrorText(res)}。结果未知，请点击“重试提交”（不会重复积分或重复核销）`)
          return
        }
        // refused: nothing was recorded, a new submission gets a new requestId
        keepPending(null)
        if (isCouponFailure(res)) {
          setError(`${couponErrorText(res)}。已刷新可用的券，请重新选择后提交`)
          void loadCoupons()
          return
        }
        setRescan(needsRescan(res))
        setError(tillErrorText(res))
        return
      }
      keepPending(null)
      till.setLastPurchase(res.data)
      void Taro.redirectTo({ url: '/staff/result/index' })
    } catch (err) {
      setError(`${err instanceof Error ? err.message : '网络异常'}。结果未知，请点击“重试提交”（不会重复积分或重复核销）`)
    } finally {
      submittingRef.current = false
      setSubmitting(false)
    }
  }

  const charge = lines.length ? basketCharge(lines, override) : null
  const orderFen = pending ? pending.amountFen : draftOrderFen(lines, override, amount)
  const chosenCodes = pending ? pending.couponCodes : selected
  const chosen = chosenCodes.map(code => byCode.get(code)).filter((c): c is CouponView => !!c)
  const preview = orderFen !== null ? previewDiscount(chosen, orderFen) : null
  const discountByCode: Record<string, number> = {}
  if (preview) chosen.forEach((c, i) => (discountByCode[c.code] = preview.discounts[i]))
  const locked = !!pending || submitting

  return (
    <View className='page'>
      <View id='purchase-member' className='card'>
        <Text className='muted'>会员</Text>
        <View className='till-member-line'>
          <Text id='purchase-member-nickname' className='till-member-name'>{served.member.nickname}</Text>
          <Text className='muted'>{served.member.maskedPhone || served.member.memberNo}</Text>
        </View>
        <Text className='muted'>当前积分 {served.member.points}</Text>
      </View>

      <ProductPicker locked={locked} onAdd={onAdd} onDenied={() => setDenied(true)} />
      <Basket lines={lines} override={override} locked={locked} onLines={onLines} onOverride={onOverride} />

      {lines.length ? null : (
        <AmountEntry value={pending ? fenToYuanText(pending.amountFen) : amount} locked={locked} showHint={orderFen === null} onInput={onAmount} />
      )}

      <View id='purchase-coupons' className='card'>
        <View className='till-store'>
          <Text className='till-section-title'>优惠券</Text>
          {coupons.status === 'ready' && list.length > 0 ? (
            <Text className='muted'>{list.length} 张可用</Text>
          ) : null}
        </View>
        {coupons.status === 'loading' ? (
          <Text id='purchase-coupons-loading' className='muted'>正在加载会员的券…</Text>
        ) : coupons.status === 'error' ? (
          <View id='purchase-coupons-error' className='coupon-load-error'>
            <Text className='error-text'>券加载失败：{coupons.message}</Text>
            <Button id='purchase-coupons-retry' className='till-header-button' size='mini' onClick={() => void loadCoupons()}>
              重试
            </Button>
          </View>
        ) : list.length === 0 ? (
          <Text id='purchase-coupons-empty' className='muted'>该会员暂无可用的券</Text>
        ) : (
          <View>
            <Text className='muted coupon-rule'>不可叠加的券一次只能用一张；可叠加的券可同时使用多张</Text>
            <CouponList
              coupons={list}
              selected={chosenCodes}
              orderFen={orderFen}
              locked={locked}
              idPrefix='purchase-coupon'
              discounts={discountByCode}
              onTap={onTap}
            />
          </View>
        )}
        {hint ? (
          <View id='purchase-coupon-hint' className='coupon-hint'>
            {hint}
          </View>
        ) : null}
      </View>

      {preview && orderFen !== null ? (
        <View id='purchase-summary' className='card'>
          {charge?.ok && charge.discountFen > 0 ? (
            <View className='till-member-line'>
              <Text className='muted'>明细合计（优惠 {formatFen(charge.discountFen)}）</Text>
              <Text id='purchase-lines-total'>{formatFen(charge.totalFen)}</Text>
            </View>
          ) : null}
          <View className='till-member-line'>
            <Text className='muted'>订单金额</Text>
            <Text id='purchase-order-total'>{formatFen(orderFen)}</Text>
          </View>
          {chosen.length > 0 ? (
            <View className='till-member-line'>
              <Text className='muted'>券抵扣（{chosen.length} 张，预估）</Text>
              <Text id='purchase-discount' className='coupon-off'>
                -{formatFen(preview.discountFen)}
              </Text>
            </View>
          ) : null}
          <View id='purchase-amount-preview' className='till-member-line till-paid'>
            <Text>实付{' '}</Text>
            <Text id='purchase-paid' className='till-big'>
              {formatFen(preview.paidFen)}
            </Text>
          </View>
          <Text className='muted'>积分按实付金额计算</Text>
        </View>
      ) : null}

      {error ? (
        <View id='purchase-error' className='error-text till-error'>
          {error}
        </View>
      ) : null}

      <View className='till-actions'>
        {rescan ? (
          <Button
            id='purchase-rescan'
            className='btn-primary'
            onClick={() => {
              till.clear()
              backToScan()
            }}
          >
            重新扫码
          </Button>
        ) : (
          <Button id='purchase-submit' className='btn-primary' disabled={submitting || undefined} onClick={() => void submit()}>
            {submitting ? '提交中…' : pending ? '重试提交' : '确认录入'}
          </Button>
        )}
        <Button id='purchase-cancel' className='till-secondary' disabled={submitting || undefined} onClick={backToScan}>
          返回
        </Button>
      </View>
    </View>
  )
}
