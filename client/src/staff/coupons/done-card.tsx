import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { StaffOutputs } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { shanghaiDateTimeText } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { UNDO_WINDOW_MINUTES, couponCodeText } from '../components/coupon-rules'
import { isDenied, mayHaveHappened, tillErrorText } from '../till'
import UndoForm from './undo-form'
import type { Done } from './write-off'
import '../staff.css'

interface Props {
  done: Done
  onUndone: (answer: StaffOutputs['undoWriteOff']) => void
  onDenied: () => void
  /** 继续核销该会员的券 */
  onNext: () => void
  /** 换一位会员 */
  onClear: () => void
}

/** The write-off just made (or found again), the gift to hand over, and 撤销核销 while its window is open. */
export default function WriteOffDoneCard({ done, onUndone, onDenied, onNext, onClear }: Props) {
  const [undoOpen, setUndoOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [undoing, setUndoing] = useState(false)
  const undoingRef = useRef(false)
  const [undoError, setUndoError] = useState('')
  const [, setTick] = useState(0)

  // the undo window closes on its own
  const undoUntil = done.writeOff.undone ? 0 : done.undoUntil
  useEffect(() => {
    if (!undoUntil) return
    const left = undoUntil - Date.now()
    if (left <= 0) return
    const timer = setTimeout(() => setTick(t => t + 1), left + 50)
    return () => clearTimeout(timer)
  }, [undoUntil])

  const undo = async () => {
    if (undoingRef.current) return
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
          onDenied()
          return
        }
        setUndoError(mayHaveHappened(res) ? `${tillErrorText(res)}，可再次提交` : tillErrorText(res))
        return
      }
      setUndoOpen(false)
      setReason('')
      onUndone(res.data)
    } catch (err) {
      setUndoError(`${err instanceof Error ? err.message : '网络异常'}，可再次提交`)
    } finally {
      undoingRef.current = false
      setUndoing(false)
    }
  }

  const w = done.writeOff
  const canUndo = !w.undone && !w.purchaseId && Date.now() < done.undoUntil
  return (
    <>
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
          <UndoForm
            open={undoOpen}
            reason={reason}
            undoing={undoing}
            error={undoError}
            onOpen={() => setUndoOpen(true)}
            onReason={setReason}
            onCancel={() => {
              if (undoingRef.current) return
              setUndoOpen(false)
              setUndoError('')
            }}
            onSubmit={() => void undo()}
          />
        ) : (
          <Text id='writeoff-undo-expired' className='muted refund-none'>
            已超过 {UNDO_WINDOW_MINUTES} 分钟，不能再撤销
          </Text>
        )}
      </View>

      <View className='till-actions'>
        <Button id='writeoff-next' className='btn-primary' disabled={undoing || undefined} onClick={() => !undoingRef.current && onNext()}>
          继续核销该会员的券
        </Button>
        <Button id='writeoff-done-clear' className='till-secondary' disabled={undoing || undefined} onClick={() => !undoingRef.current && onClear()}>
          换一位会员
        </Button>
      </View>
    </>
  )
}
