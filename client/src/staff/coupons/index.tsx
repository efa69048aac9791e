import { useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CouponView, WriteOffView } from '../../../../types/coupons'
import type { MemberAtTill } from '../../../../types/staff'
import { staffApi, type TillMemberRef } from '../../services/staff'
import { PageError, PageLoading } from '../../components/page-state'
import { shanghaiDateTimeText } from '../../utils/format'
import { fenToYuanText, formatFen, parseYuan } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import CouponList from '../components/coupon-list'
import { UNDO_WINDOW_MINUTES, couponBlocker, couponCodeText, couponErrorText, isCouponFailure, previewDiscount } from '../components/coupon-rules'
import StaffDenied from '../components/denied'
import MemberIdentify, { scanQrCode, type MemberLookup } from '../components/member-identify'
import { useStaffMe } from '../components/use-staff-me'
import { isDenied, mayHaveHappened, needsRescan, tillErrorText } from '../till'
import '../staff.css'


/** The member whose coupon is written off, and their coupons usable now. */
interface Target {
  member: MemberAtTill
  ref: TillMemberRef
  coupons: CouponView[]
}

/** One write-off: its requestId is reused when retrying after an unknown outcome. */
interface Attempt {
  requestId: string
  couponCode: string
  orderFen?: number
}

interface Done {
  writeOff: WriteOffView
  replayed: boolean
  /** the coupon as listed before the write-off (null: typed code not in the list) */
  coupon: CouponView | null
  /** until when (device clock) 撤销核销 is offered */
  undoUntil: number
}

const COUPON_CODE_RE = /^\d{12}$/
const WINDOW_MS = UNDO_WINDOW_MINUTES * 60_000

/**
 * 核销券: a coupon written off on its own (a gift handed over, a purchase rung up elsewhere). Identify
 * the member, pick one of their coupons or scan/type its 12-digit code, optionally give the order
 * amount (for a minimum spend), confirm. The write-off can be undone, with a reason, for
 * UNDO_WINDOW_MINUTES.
 */
export default function CouponWriteOffPage() {
  const isH5 = process.env.TARO_ENV === 'h5'
  const { me, setMe, loadMe } = useStaffMe({ keepOnError: true })

  const [target, setTarget] = useState<Target | null>(null)
  const [finding, setFinding] = useState(false)
  const findingRef = useRef(false)
  const [error, setError] = useState('')
  const [rescan, setRescan] = useState(false)

  const [code, setCode] = useState('')
  const [amount, setAmount] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const submittingRef = useRef(false)
  const [pending, setPending] = useState<Attempt | null>(null)
  const pendingRef = useRef<Attempt | null>(null)

  const [done, setDone] = useState<Done | null>(null)
  const [undoOpen, setUndoOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [undoing, setUndoing] = useState(false)
  const undoingRef = useRef(false)
  const [undoError, setUndoError] = useState('')
  const [, setTick] = useState(0)


  // the undo window closes on its own
  const undoUntil = done && !done.writeOff.undone ? done.undoUntil : 0
  useEffect(() => {
    if (!undoUntil) return
    const left = undoUntil - Date.now()
    if (left <= 0) return
    const timer = setTimeout(() => setTick(t => t + 1), left + 50)
    return () => clearTimeout(timer)
  }, [undoUntil])

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
    setUndoOpen(false)
    setReason('')
    setUndoError('')
  }

  const find = async (lookup: MemberLookup) => {
    if (findingRef.current) return
    findingRef.current = true
    setFinding(true)
    setError('')
    try {
      let ref: TillMemberRef
      if ('phone' in lookup) {
        const found = await staffApi.findMemberByPhone(lookup.phone)
        if (!found.ok) {
          if (isDenied(found)) setMe({ status: 'denied' })
          setError(tillErrorText(found))
          return
        }
        ref = { memberNo: found.data.member.memberNo }
      } else {
        ref = lookup
      }
      const res = await staffApi.memberCoupons(ref)
      if (!res.ok) {
        if (isDenied(res)) setMe({ status: 'denied' })
        setError(tillErrorText(res))
        return
      }
      setTarget({ member: res.data.member, ref, coupons: res.data.coupons })
      setRescan(false)
    } catch (err) {
      setError(err instanceof Error ? err.message : '网络异常，请重试')
    } finally {
      findingRef.current = false
      setFinding(false)
    }
  }

  const reloadCoupons = async (t: Target) => {
    try {
      const res = await staffApi.memberCoupons(t.ref)
      if (res.ok) setTarget(cur => (cur && cur.member.memberNo === t.member.memberNo ? { ...cur, coupons: res.data.coupons } : cur))
    } catch {
      // the list stays as it was; the error shown already says what happened
    }
  }

  const scanCoupon = async () => {
    if (submittingRef.current || pendingRef.current) return
    setError('')
    const res = await scanQrCode()
    if (!res.ok) {
      if (!res.cancelled) setError(`扫码失败${res.message ? `（${res.message}）` : ''}，可手动输入券码`)
      return
    }
    const value = res.text.replace(/\s+/g, '')
    if (!COUPON_CODE_RE.test(value)) {
      setError('券码为 12 位数字，请核对')
      return
    }
    setCode(value)
  }

  const submit = async () => {
    if (submittingRef.current || !target) return
    let attempt = pendingRef.current
    if (!attempt) {
      const value = code.replace(/\s+/g, '')
      if (!COUPON_CODE_RE.test(value)) {
        setError(value ? '券码为 12 位数字，请核对' : '请选择一张券，或扫描/输入 12 位券码')
        return
      }
      let orderFen: number | undefined
      if (amount.trim()) {
        const parsed = parseYuan(amount)
        if (!parsed.ok) {
          setError(parsed.message)
          return
        }
        orderFen = parsed.fen
      }
      const listed = target.coupons.find(c => c.code === value) ?? null
      if (listed) {
        const blocker = couponBlocker(listed, orderFen ?? null)
        if (blocker) {
          setError(blocker.startsWith('未满') ? `「${listed.name}」${blocker}，请填写达到门槛的消费金额` : `「${listed.name}」${blocker}`)
          return
        }
      }
      submittingRef.current = true
      const answer = await Taro.showModal({
        title: '确认核销',
        content: `${listed ? `核销「${listed.name}」（${listed.summary}）` : `核销券 ${couponCodeText(value)}`}${
          orderFen !== undefined ? `，消费金额 ${formatFen(orderFen)}` : ''
        }${listed && orderFen !== undefined ? `，预计抵扣 ${formatFen(previewDiscount([listed], orderFen).discountFen)}` : ''}？${UNDO_WINDOW_MINUTES} 分钟内可撤销。`,
        confirmText: '确认核销',
      }).catch(() => ({ confirm: false }))
      if (!answer.confirm) {
        submittingRef.current = false
        return
      }
      attempt = { requestId: newRequestId('w'), couponCode: value, orderFen }
      keepPending(attempt)
    }
    submittingRef.current = true
    setSubmitting(true)
    setError('')
    try {
      const res = await staffApi.writeOffCoupon({ requestId: attempt.requestId, member: target.ref, couponCode: attempt.couponCode, orderFen: attempt.orderFen })
      if (!res.ok) {
        if (isDenied(res)) {
          setMe({ status: 'denied' })
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
      const coupon = target.coupons.find(c => c.code === used) ?? null
      const at = Date.parse(res.data.writeOff.at)
      // a fresh write-off happened just now (device clock); a replayed one at its recorded time
      const undoUntil = (res.data.replayed && Number.isFinite(at) ? Math.min(at, Date.now()) : Date.now()) + WINDOW_MS
      setDone({ writeOff: res.data.writeOff, replayed: res.data.replayed, coupon, undoUntil })
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

  const undo = async () => {
    if (undoingRef.current || !done) return
    const text = reason.trim()
    if (text.length < 2) {
      setUndoError('请写明撤销原因（至少 2 个字）')
      return
    }
    if (text.length > 100) {
      setUndoError('撤销原因最多 100 个字')
      return
    }
    undoingRef.current = true
    setUndoing(true)
    setUndoError('')
    try {
      const res = await staffApi.undoWriteOff({ writeOffId: done.writeOff.writeOffId, reason: text })
      if (!res.ok) {
        if (isDenied(res)) {
          setMe({ status: 'denied' })
          return
        }
        setUndoError(mayHaveHappened(res) ? `${tillErrorText(res)}，可再次提交` : tillErrorText(res))
        return
      }
      const back = res.data.coupon
      setDone({ ...done, writeOff: res.data.writeOff })
      setUndoOpen(false)
      setReason('')
      if (target && back.state === 'available' && !back.notYetValid) {
        setTarget({ ...target, coupons: [...target.coupons.filter(c => c.code !== back.code), back] })
      }
    } catch (err) {
      setUndoError(`${err instanceof Error ? err.message : '网络异常'}，可再次提交`)
    } finally {
      undoingRef.current = false
      setUndoing(false)
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

  const header = (
    <View id='writeoff-store' className='card till-store'>
      <View>
        <Text className='till-section-title'>核销券</Text>
        <Text className='muted'>
          {me.me.storeName} · 店员：{me.me.name}
        </Text>
      </View>
    </View>
  )

  if (!target) {
    return (
      <View className='page'>
        {header}
        <MemberIdentify idPrefix='writeoff-find' busy={finding} acceptMemberNo onLookup={l => void find(l)} onError={setError} />
        {errorView}
      </View>
    )
  }

  const memberCard = (
    <View id='writeoff-member' className='card'>
      <View className='till-member-line'>
        <Text id='writeoff-member-nickname' className='till-member-name'>{target.member.nickname}</Text>
        <Button id='writeoff-clear' className='till-header-button' size='mini' disabled={submitting || undefined} onClick={() => !submittingRef.current && reset()}>
          换一位会员
        </Button>
      </View>
      <Text className='muted'>
        会员号 {target.member.memberNo}
        {target.member.maskedPhone ? ` · ${target.member.maskedPhone}` : ''} · {target.member.tierName}
      </Text>
    </View>
  )

  if (done) {
    const w = done.writeOff
    const canUndo = !w.undone && !w.purchaseId && Date.now() < done.undoUntil
    return (
      <View className='page'>
        {memberCard}
        <View id='writeoff-done' className='card'>
          <Text className='till-section-title'>{w.undone ? '已撤销核销' : done.replayed ? '这张券已核销' : '核销成功'}</Text>
          <View className='till-member-line'>
            <Text className='muted'>券</Text>
            <Text id='writeoff-done-name'>{w.name}</Text>
          </View>
          {done.coupon ? (
            <View className='till-member-line'>
              <Text className='muted'>内容</Text>
              <Text className='coupon-summary'>{done.coupon.summary}</Text>
            </View>
          ) : null}
          <View className='till-member-line'>
            <Text className='muted'>券码</Text>
            <Text id='writeoff-done-code'>{couponCodeText(w.code)}</Text>
          </View>
          {w.orderFen !== null ? (
            <View className='till-member-line'>
              <Text className='muted'>消费金额 / 抵扣</Text>
              <Text id='writeoff-done-discount'>
                {formatFen(w.orderFen)} / <Text className='coupon-off'>-{formatFen(w.discountFen)}</Text>
              </Text>
            </View>
          ) : null}
          <Text className='muted'>
            {shanghaiDateTimeText(w.at)} · 核销单号 {w.writeOffId}
          </Text>
          {done.coupon?.giftName && !w.undone ? (
            <View id='writeoff-gift' className='coupon-hint'>
              请将礼品交给顾客：{done.coupon.giftName}
            </View>
          ) : null}
          {done.replayed ? (
            <View id='writeoff-replayed' className='muted'>
              重复提交：这张券之前已经核销成功，没有重复核销。
            </View>
          ) : null}

          {w.undone ? (
            <View id='writeoff-undone' className='refund-result'>
              <Text>已撤销，券已退回会员账户</Text>
              <Text className='muted'>
                {shanghaiDateTimeText(w.undone.at)} · 原因：{w.undone.reason}
              </Text>
            </View>
          ) : canUndo ? (
            undoOpen ? (
              <View className='refund-form refund-form-open'>
                <View className='refund-field'>
                  <Text className='refund-label'>撤销原因</Text>
                  <Input
                    id='writeoff-undo-reason'
                    className='refund-input'
                    maxlength={100}
                    placeholder='必填，如：顾客取消、核销错券'
                    disabled={undoing || undefined}
                    value={reason}
                    onInput={e => setReason(e.detail.value)}
                  />
                </View>
                {undoError ? (
                  <View id='writeoff-undo-error' className='error-text refund-error'>
                    {undoError}
                  </View>
                ) : null}
                <View className='refund-actions'>
                  <Button
                    id='writeoff-undo-cancel'
                    className='refund-cancel'
                    size='mini'
                    disabled={undoing || undefined}
                    onClick={() => {
                      if (undoingRef.current) return
                      setUndoOpen(false)
                      setUndoError('')
                    }}
                  >
                    取消
                  </Button>
                  <Button id='writeoff-undo-submit' className='refund-submit' size='mini' disabled={undoing || undefined} onClick={() => void undo()}>
                    {undoing ? '撤销中…' : '确认撤销'}
                  </Button>
                </View>
              </View>
            ) : (
              <View className='refund-form'>
                <Button id='writeoff-undo-open' className='refund-open' size='mini' onClick={() => setUndoOpen(true)}>
                  撤销核销
                </Button>
                <Text className='muted'>{UNDO_WINDOW_MINUTES} 分钟内可撤销</Text>
              </View>
            )
          ) : (
            <Text id='writeoff-undo-expired' className='muted refund-none'>
              已超过 {UNDO_WINDOW_MINUTES} 分钟，不能再撤销
            </Text>
          )}
        </View>

        <View className='till-actions'>
          <Button
            id='writeoff-next'
            className='btn-primary'
            disabled={undoing || undefined}
            onClick={() => {
              if (undoingRef.current) return
              setDone(null)
              setUndoOpen(false)
              setReason('')
              setUndoError('')
            }}
          >
            继续核销该会员的券
          </Button>
          <Button id='writeoff-done-clear' className='till-secondary' disabled={undoing || undefined} onClick={() => !undoingRef.current && reset()}>
            换一位会员
          </Button>
        </View>
      </View>
    )
  }

  const parsed = amount.trim() ? parseYuan(amount) : null
  const orderFen = pending ? pending.orderFen ?? null : parsed?.ok ? parsed.fen : null
  const locked = !!pending || submitting
  const shownCode = pending ? pending.couponCode : code
  const listed = target.coupons.find(c => c.code === shownCode.replace(/\s+/g, '')) ?? null

  return (
    <View className='page'>
      {memberCard}

      <View id='writeoff-coupons' className='card'>
        <Text className='till-section-title'>选择要核销的券</Text>
        {target.coupons.length === 0 ? (
          <Text id='writeoff-coupons-empty' className='muted'>该会员暂无可用的券，也可扫描或输入券码</Text>
        ) : (
          <CouponList
            coupons={target.coupons}
            selected={listed ? [listed.code] : []}
            orderFen={orderFen}
            locked={locked}
            idPrefix='writeoff-coupon'
            onTap={c => {
              if (pendingRef.current || submittingRef.current) return
              setError('')
              setCode(cur => (cur.replace(/\s+/g, '') === c.code ? '' : c.code))
            }}
          />
        )}
        <View className='till-field'>
          <Input
            id='writeoff-code-input'
            className='till-input'
            type={isH5 ? 'text' : 'number'}
            maxlength={16}
            placeholder='或输入 12 位券码'
            disabled={locked || undefined}
            value={shownCode}
            onInput={e => {
              setCode(e.detail.value)
              setError('')
            }}
          />
          {!isH5 ? (
            <Button id='writeoff-code-scan' className='till-field-button' size='mini' disabled={locked || undefined} onClick={() => void scanCoupon()}>
              扫券码
            </Button>
          ) : null}
        </View>
        {listed ? (
          <Text id='writeoff-chosen' className='muted'>
            已选：{listed.name}（{listed.summary}）
          </Text>
        ) : null}
      </View>

      <View className='card'>
        <Text className='till-section-title'>消费金额（选填）</Text>
        <View className='till-field'>
          <Text>￥</Text>
          <Input
            id='writeoff-amount'
            className='till-input'
            type='digit'
            placeholder='有使用门槛的券需填写'
            disabled={locked || undefined}
            value={pending ? (pending.orderFen !== undefined ? fenToYuanText(pending.orderFen) : '') : amount}
            onInput={e => {
              setAmount(e.detail.value)
              setError('')
            }}
          />
        </View>
        <Text className='muted'>满减、折扣等有门槛的券按此金额判断是否可用并计算抵扣</Text>
      </View>

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
