import { useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { staffApi } from '../../services/staff'
import { fenToYuanText, formatFen, parseYuan } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import StaffDenied from '../components/denied'
import { isDenied, mayHaveHappened, needsRescan, till, tillErrorText } from '../till'
import '../staff.css'

function backToScan() {
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/staff/scan/index' }))
  } else {
    void Taro.redirectTo({ url: '/staff/scan/index' })
  }
}

/**
 * The purchase amount for the member being served. One requestId per submission: when the answer
 * is lost (network) the retry sends the same id and the amount is locked, so nothing is awarded twice.
 */
export default function PurchasePage() {
  const [served] = useState(() => till.served())
  const [amount, setAmount] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')
  const [rescan, setRescan] = useState(false)
  const [denied, setDenied] = useState(false)
  /** the submission whose outcome is not known yet: retried as is */
  const [pending, setPending] = useState<{ requestId: string; amountFen: number } | null>(null)
  const pendingRef = useRef<{ requestId: string; amountFen: number } | null>(null)
  const submittingRef = useRef(false)

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

  const keepPending = (p: { requestId: string; amountFen: number } | null) => {
    pendingRef.current = p
    setPending(p)
  }

  const submit = async () => {
    // H5's Button still fires onClick while disabled: guard here too
    if (submittingRef.current) return
    let attempt = pendingRef.current
    if (!attempt) {
      const parsed = parseYuan(amount)
      if (!parsed.ok) {
        setError(parsed.message)
        return
      }
      attempt = { requestId: newRequestId('p'), amountFen: parsed.fen }
      keepPending(attempt)
    }
    submittingRef.current = true
    setSubmitting(true)
    setError('')
    setRescan(false)
    try {
      const res = await staffApi.recordPurchase({ requestId: attempt.requestId, member: served.ref, amountFen: attempt.amountFen })
      if (!res.ok) {
        if (isDenied(res)) {
          setDenied(true)
          return
        }
        if (mayHaveHappened(res)) {
          setError(`${tillErrorText(res)}。结果未知，请点击“重试提交”（不会重复积分）`)
          return
        }
        // refused: nothing was recorded, a new submission gets a new requestId
        keepPending(null)
        setRescan(needsRescan(res))
        setError(tillErrorText(res))
        return
      }
      keepPending(null)
      till.setLastPurchase(res.data)
      void Taro.redirectTo({ url: '/staff/result/index' })
    } catch (err) {
      setError(`${err instanceof Error ? err.message : '网络异常'}。结果未知，请点击“重试提交”（不会重复积分）`)
    } finally {
      submittingRef.current = false
      setSubmitting(false)
    }
  }

  const parsed = parseYuan(amount)
  const previewFen = pending ? pending.amountFen : parsed.ok ? parsed.fen : null
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

      <View className='card'>
        <Text className='till-section-title'>消费金额</Text>
        <View className='till-field'>
          <Text className='till-big'>￥</Text>
          <Input
            id='purchase-amount'
            className='till-input till-big'
            type='digit'
            placeholder='0.00'
            disabled={!!pending || submitting || undefined}
            value={pending ? fenToYuanText(pending.amountFen) : amount}
            onInput={e => setAmount(e.detail.value)}
          />
        </View>
        <Text id='purchase-amount-preview' className='muted'>
          {previewFen !== null ? `实收 ${formatFen(previewFen)}` : '请输入实收金额，最多两位小数'}
        </Text>
      </View>

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
