import { useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { PurchaseView, StaffOutputs } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { fenToYuanText, formatFen, parseYuan } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import { isDenied, mayHaveHappened, tillErrorText } from '../till'
import '../staff.css'

interface Props {
  purchase: PurchaseView
  /** element ids: `<idPrefix>-open`, `-amount`, `-submit`, `-cancel`, `-error`, `-result` */
  idPrefix: string
  onRefunded?: (res: StaffOutputs['refundPurchase']) => void
  onDenied?: () => void
}

/**
 * Refund (all that is left, or part of it) with points reversal. Like a purchase, one requestId per
 * refund, reused when retrying after an unknown outcome: a retry never refunds twice.
 */
export default function RefundForm({ purchase, idPrefix, onRefunded, onDenied }: Props) {
  const [open, setOpen] = useState(false)
  const [amount, setAmount] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')
  const [done, setDone] = useState<StaffOutputs['refundPurchase'] | null>(null)
  const pending = useRef<{ requestId: string; amountFen?: number } | null>(null)
  const submittingRef = useRef(false)

  const remaining = purchase.amountFen - purchase.refundedFen

  const submit = async () => {
    if (submittingRef.current) return
    let amountFen: number | undefined
    if (pending.current) {
      amountFen = pending.current.amountFen
    } else if (amount.trim()) {
      const parsed = parseYuan(amount, remaining)
      if (!parsed.ok) {
        setError(parsed.message)
        return
      }
      amountFen = parsed.fen
    }
    const shown = formatFen(amountFen ?? remaining)
    const answer = await Taro.showModal({
      title: '确认退款',
      content: `退款 ${shown}，并扣回这笔消费相应的积分？`,
      confirmText: '确认退款',
      confirmColor: '#d93026',
    })
    if (!answer.confirm) return
    if (!pending.current) pending.current = { requestId: newRequestId('rf'), amountFen }
    const { requestId } = pending.current
    submittingRef.current = true
    setSubmitting(true)
    setError('')
    try {
      const res = await staffApi.refundPurchase({ requestId, purchaseId: purchase.purchaseId, amountFen })
      if (!res.ok) {
        if (isDenied(res)) onDenied?.()
        if (!mayHaveHappened(res)) pending.current = null
        setError(mayHaveHappened(res) ? `${tillErrorText(res)}。可再次提交，不会重复退款` : tillErrorText(res))
        return
      }
      pending.current = null
      setDone(res.data)
      setOpen(false)
      setAmount('')
      onRefunded?.(res.data)
    } catch (err) {
      setError(`${err instanceof Error ? err.message : '网络异常'}。可再次提交，不会重复退款`)
    } finally {
      submittingRef.current = false
      setSubmitting(false)
    }
  }

  const result = done ? (
    <View id={`${idPrefix}-result`} className='refund-result'>
      <Text>
        已退款 {formatFen(done.purchase.refundedFen)}，扣回 {done.pointsReversed} 积分，会员积分余额 {done.balance}
      </Text>
      {done.shortfall > 0 ? <Text className='refund-shortfall'>另有 {done.shortfall} 积分已被使用，未能扣回</Text> : null}
      {done.replayed ? <Text className='muted'>（这笔退款之前已经提交成功，未重复退款）</Text> : null}
    </View>
  ) : null

  if (remaining <= 0) {
    return (
      <View className='refund-form'>
        {result}
        <Text className='muted refund-none'>已全额退款</Text>
      </View>
    )
  }

  if (!open) {
    return (
      <View className='refund-form'>
        {result}
        <Button id={`${idPrefix}-open`} className='refund-open' size='mini' onClick={() => setOpen(true)}>
          退款
        </Button>
      </View>
    )
  }

  return (
    <View className='refund-form refund-form-open'>
      {result}
      <View className='refund-field'>
        <Text className='refund-label'>退款金额 ￥</Text>
        <Input
          id={`${idPrefix}-amount`}
          className='refund-input'
          type='digit'
          disabled={!!pending.current || submitting || undefined}
          placeholder={`留空则退剩余 ${fenToYuanText(remaining)}`}
          value={amount}
          onInput={e => setAmount(e.detail.value)}
        />
      </View>
      {error ? (
        <View id={`${idPrefix}-error`} className='error-text refund-error'>
          {error}
        </View>
      ) : null}
      <View className='refund-actions'>
        <Button
          id={`${idPrefix}-cancel`}
          className='refund-cancel'
          size='mini'
          disabled={submitting || undefined}
          onClick={() => {
            if (submittingRef.current) return
            setOpen(false)
            setError('')
          }}
        >
          取消
        </Button>
        <Button id={`${idPrefix}-submit`} className='refund-submit' size='mini' disabled={submitting || undefined} onClick={() => void submit()}>
          {submitting ? '退款中…' : pending.current ? '重试退款' : '确认退款'}
        </Button>
      </View>
    </View>
  )
}
