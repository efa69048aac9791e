import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CouponView } from '../../../../types/coupons'
import type { PurchaseLine } from '../../../../types/points'
import { staffApi } from '../../services/staff'
import { fenToYuanText } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import { usePageLoad } from '../../utils/use-page-load'
import { basketCharge } from '../basket'
import AmountEntry from '../components/amount-entry'
import Basket from '../components/basket'
import { couponErrorText, isCouponFailure, previewDiscount, rememberCoupons } from '../components/coupon-rules'
import StaffDenied from '../components/denied'
import ProductPicker from '../components/product-picker'
import { isDenied, mayHaveHappened, needsRescan, till, tillErrorText } from '../till'
import PurchaseActions from './actions'
import PurchaseCouponsCard from './coupons-card'
import PurchaseMemberCard from './member-card'
import PurchaseSummaryCard from './summary-card'
import { useOrderDraft } from './use-order-draft'
import '../staff.css'

/** A submission: its requestId, the order total before coupons, the coupons written off with it, and what was bought. */
interface Attempt {
  requestId: string
  amountFen: number
  couponCodes: string[]
  lines: PurchaseLine[]
}

type CouponsReady = { status: 'ready'; list: CouponView[] }

/**
 * The basket (or, with no products, just the order total) for the member being served, and the
 * member's coupons to use on it (one non-stackable coupon, or several stackable ones). One requestId
 * per submission: when the answer is lost (network) the retry sends the same id, and the basket,
 * amount and coupons are locked, so nothing is awarded or written off twice.
 */
export default function PurchasePage() {
  const [served] = useState(() => till.served())
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')
  const [rescan, setRescan] = useState(false)
  const [denied, setDenied] = useState(false)
  /** the submission whose outcome is not known yet: retried as is */
  const [pending, setPending] = useState<Attempt | null>(null)
  const pendingRef = useRef<Attempt | null>(null)
  const submittingRef = useRef(false)

  const { load: coupons, refresh: loadCoupons } = usePageLoad(
    () => staffApi.memberCoupons(served!.ref),
    (data): CouponsReady => ({ status: 'ready', list: data.coupons }),
    {
      denied: true,
      keepOnError: false,
      errorText: tillErrorText,
      onLoaded: data => {
        rememberCoupons(data.coupons)
        if (!pendingRef.current) draft.keepListed(data.coupons)
      },
      onFailed: f => {
        if (needsRescan(f)) {
          setRescan(true)
          setError(tillErrorText(f))
        }
      },
    },
  )
  const list = coupons.status === 'ready' ? coupons.list : []
  const draft = useOrderDraft(
    list,
    () => !!pendingRef.current || submittingRef.current,
    () => setError(''),
  )

  useEffect(() => {
    if (served) void loadCoupons(false)
  }, [served, loadCoupons])

  if (denied || coupons.status === 'denied') return <StaffDenied />

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

  const keepPending = (p: Attempt | null) => {
    pendingRef.current = p
    setPending(p)
  }

  const submit = async () => {
    // H5's Button still fires onClick while disabled: guard here too
    if (submittingRef.current) return
    let attempt = pendingRef.current
    if (!attempt) {
      const order = draft.checkout()
      if (!order.ok) {
        setError(order.message)
        return
      }
      attempt = { requestId: newRequestId('p'), amountFen: order.amountFen, couponCodes: order.couponCodes, lines: order.lines }
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
          void loadCoupons(false)
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

  const { lines, override, amount } = draft
  const charge = lines.length ? basketCharge(lines, override) : null
  const orderFen = pending ? pending.amountFen : draft.orderFen
  const chosenCodes = pending ? pending.couponCodes : draft.selected
  const chosen = chosenCodes.map(code => draft.byCode.get(code)).filter((c): c is CouponView => !!c)
  const preview = orderFen !== null ? previewDiscount(chosen, orderFen) : null
  const discountByCode: Record<string, number> = {}
  if (preview) chosen.forEach((c, i) => (discountByCode[c.code] = preview.discounts[i]))
  const locked = !!pending || submitting

  return (
    <View className='page'>
      <PurchaseMemberCard member={served.member} />

      <ProductPicker locked={locked} onAdd={draft.onAdd} onDenied={() => setDenied(true)} />
      <Basket lines={lines} override={override} locked={locked} onLines={draft.onLines} onOverride={draft.onOverride} />

      {lines.length ? null : <AmountEntry value={pending ? fenToYuanText(pending.amountFen) : amount} locked={locked} showHint={orderFen === null} onInput={draft.onAmount} />}

      <PurchaseCouponsCard
        coupons={coupons}
        chosenCodes={chosenCodes}
        orderFen={orderFen}
        locked={locked}
        discountByCode={discountByCode}
        hint={draft.hint}
        onTap={draft.onTap}
        onRetry={() => void loadCoupons(false)}
      />

      {preview && orderFen !== null ? <PurchaseSummaryCard charge={charge} orderFen={orderFen} chosenCount={chosen.length} discountFen={preview.discountFen} paidFen={preview.paidFen} /> : null}

      <PurchaseActions error={error} rescan={rescan} submitting={submitting} pending={!!pending} onSubmit={() => void submit()} />
    </View>
  )
}
