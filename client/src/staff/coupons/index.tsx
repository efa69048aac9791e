import { useRef, useState } from 'react'
import { Button, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { staffApi } from '../../services/staff'
import { PageError, PageLoading } from '../../components/page-state'
import { fenToYuanText, parseYuan } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import { couponErrorText, isCouponFailure } from '../components/coupon-rules'
import StaffDenied from '../components/denied'
import MemberIdentify from '../components/member-identify'
import { useStaffMe } from '../components/use-staff-me'
import { isDenied, mayHaveHappened, needsRescan, tillErrorText } from '../till'
import WriteOffDoneCard from './done-card'
import WriteOffMemberCard, { WriteOffStore } from './member-card'
import PickCoupon from './pick-coupon'
import { useTarget } from './use-target'
import { confirmText, draftWriteOff, undoUntilOf, type Attempt, type Done } from './write-off'
import '../staff.css'

/**
 * 核销券: a coupon written off on its own (a gift handed over, a purchase rung up elsewhere). Identify
 * the member, pick one of their coupons or scan/type its 12-digit code, optionally give the order
 * amount (for a minimum spend), confirm. The write-off can be undone, with a reason, for
 * UNDO_WINDOW_MINUTES.
 */
export default function CouponWriteOffPage() {
  const { me, setMe, loadMe } = useStaffMe({ keepOnError: true })
  const denied = () => setMe({ status: 'denied' })

  const [error, setError] = useState('')
  const [rescan, setRescan] = useState(false)
  const { target, setTarget, finding, find, reloadCoupons } = useTarget({ onError: setError, onFound: () => setRescan(false), onDenied: denied })

  const [code, setCode] = useState('')
  const [amount, setAmount] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const submittingRef = useRef(false)
  const [pending, setPending] = useState<Attempt | null>(null)
  const pendingRef = useRef<Attempt | null>(null)
  const [done, setDone] = useState<Done | null>(null)

  const keepPending = (p: Attempt | null) => {
    pendingRef.current = p
    setPending(p)
  }

  const reset = () => {
    setTarget(null)
    setError('')
    setRescan(false)
    setCode('')
    setAmount('')
    keepPending(null)
    setDone(null)
  }

  const submit = async () => {
    if (submittingRef.current || !target) return
    let attempt = pendingRef.current
    if (!attempt) {
      const draft = draftWriteOff(code, amount, target.coupons)
      if (!draft.ok) {
        setError(draft.message)
        return
      }
      submittingRef.current = true
      const answer = await Taro.showModal({ title: '确认核销', content: confirmText(draft), confirmText: '确认核销' }).catch(() => ({ confirm: false }))
      if (!answer.confirm) {
        submittingRef.current = false
        return
      }
      attempt = { requestId: newRequestId('w'), couponCode: draft.couponCode, orderFen: draft.orderFen }
      keepPending(attempt)
    }
    submittingRef.current = true
    setSubmitting(true)
    setError('')
    try {
      const res = await staffApi.writeOffCoupon({ requestId: attempt.requestId, member: target.ref, couponCode: attempt.couponCode, orderFen: attempt.orderFen })
      if (!res.ok) {
        if (isDenied(res)) {
          denied()
          return
        }
        if (mayHaveHappened(res)) {
          setError(`${tillErrorText(res)}。结果未知，请点击“重试核销”（不会重复核销）`)
          return
        }
        // refused: nothing was written off, a new attempt gets a new requestId
        keepPending(null)
        if (needsRescan(res)) {
          setRescan(true)
          setError(tillErrorText(res))
          return
        }
        setError(couponErrorText(res))
        if (isCouponFailure(res)) void reloadCoupons(target)
        return
      }
      keepPending(null)
      const used = attempt.couponCode
      const { writeOff, replayed } = res.data
      setDone({ writeOff, replayed, coupon: target.coupons.find(c => c.code === used) ?? null, undoUntil: undoUntilOf(writeOff, replayed, Date.now()) })
      setTarget({ ...target, coupons: target.coupons.filter(c => c.code !== used) })
      setCode('')
      setAmount('')
    } catch (err) {
      setError(`${err instanceof Error ? err.message : '网络异常'}。结果未知，请点击“重试核销”（不会重复核销）`)
    } finally {
      submittingRef.current = false
      setSubmitting(false)
    }
  }

  if (me.status === 'denied') return <StaffDenied />
  if (me.status === 'loading') return <PageLoading id='writeoff-loading' />
  if (me.status === 'error') {
    return <PageError id='writeoff-load-error' retryId='writeoff-retry' message={me.message} onRetry={() => void loadMe()} />
  }

  const errorView = error ? (
    <View id='writeoff-error' className='error-text till-error'>
      {error}
    </View>
  ) : null

  if (!target) {
    return (
      <View className='page'>
        <WriteOffStore me={me.me} />
        <MemberIdentify idPrefix='writeoff-find' busy={finding} acceptMemberNo onLookup={l => void find(l)} onError={setError} />
        {errorView}
      </View>
    )
  }

  const memberCard = <WriteOffMemberCard member={target.member} busy={submitting} onClear={() => !submittingRef.current && reset()} />

  if (done) {
    return (
      <View className='page'>
        {memberCard}
        <WriteOffDoneCard
          done={done}
          onDenied={denied}
          onUndone={({ writeOff, coupon: back }) => {
            setDone({ ...done, writeOff })
            if (back.state === 'available' && !back.notYetValid) {
              setTarget({ ...target, coupons: [...target.coupons.filter(c => c.code !== back.code), back] })
            }
          }}
          onNext={() => setDone(null)}
          onClear={reset}
        />
      </View>
    )
  }

  const parsed = amount.trim() ? parseYuan(amount) : null
  const orderFen = pending ? (pending.orderFen ?? null) : parsed?.ok ? parsed.fen : null
  const shownCode = pending ? pending.couponCode : code

  return (
    <View className='page'>
      {memberCard}
      <PickCoupon
        coupons={target.coupons}
        listed={target.coupons.find(c => c.code === shownCode.replace(/\s+/g, '')) ?? null}
        code={shownCode}
        amount={pending ? (pending.orderFen !== undefined ? fenToYuanText(pending.orderFen) : '') : amount}
        orderFen={orderFen}
        locked={!!pending || submitting}
        onTap={c => {
          if (pendingRef.current || submittingRef.current) return
          setError('')
          setCode(cur => (cur.replace(/\s+/g, '') === c.code ? '' : c.code))
        }}
        onCode={value => {
          setCode(value)
          setError('')
        }}
        onError={setError}
        onAmount={value => {
          setAmount(value)
          setError('')
        }}
      />

      {errorView}

      <View className='till-actions'>
        {rescan ? (
          <Button id='writeoff-rescan' className='btn-primary' onClick={reset}>
            重新识别会员
          </Button>
        ) : (
          <Button id='writeoff-submit' className='btn-primary' disabled={submitting || undefined} onClick={() => void submit()}>
            {submitting ? '核销中…' : pending ? '重试核销' : '确认核销'}
          </Button>
        )}
      </View>
    </View>
  )
}
