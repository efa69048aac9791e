import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { OfferView } from '../../../../types/coupons'
import type { Fail } from '../../../../types/result'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { usePageLoad } from '../../utils/use-page-load'
import { newRequestId } from '../../utils/request-id'
import { PageError, PageLoading } from '../../components/page-state'
import { outcomeUnknown, stockText, takeErrorText } from '../coupons/coupon-text'
import '../coupons/coupon.css'
import './index.css'

type Ready = { status: 'ready'; offers: OfferView[]; balance: number }

type Outcome = { kind: 'error'; text: string; retry: boolean } | { kind: 'done'; couponId: string; pointsSpent: number }

function exchangeErrorText(f: Fail, offer: OfferView, balance: number): string {
  if (f.code === 'INSUFFICIENT_POINTS') return `积分不足：兑换需要 ${offer.pointsPrice ?? 0} 积分，你当前有 ${balance} 积分`
  return takeErrorText(f, '兑换')
}

/**
 * 积分商城: coupons bought with points. 兑换 asks for confirmation, then sends one requestId per
 * exchange (kept while the outcome is unknown, so 重试 never spends twice); the balance shown is
 * the one the exchange answers with.
 */
export default function MallPage() {
  const {
    load,
    setLoad,
    refresh: fetchMall,
    seq,
  } = usePageLoad(
    () => memberApi.pointsMall(),
    (data): Ready => ({ status: 'ready', offers: data.offers, balance: data.balance }),
  )
  const [busyId, setBusyId] = useState<string | null>(null)
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({})
  const busyRef = useRef(false)
  const pending = useRef(new Map<string, string>())

  useDidShow(() => {
    void fetchMall(false)
  })

  const setOutcome = (templateId: string, outcome: Outcome | null) =>
    setOutcomes(prev => {
      const next = { ...prev }
      if (outcome) next[templateId] = outcome
      else delete next[templateId]
      return next
    })

  const setBalance = (balance: number) => {
    seq.current++ // a refresh already on its way must not bring back the old balance
    setLoad(l => (l.status === 'ready' ? { ...l, balance } : l))
  }

  const exchange = async (offer: OfferView, balance: number) => {
    const id = offer.templateId
    // one exchange at a time, confirmation included (H5's Button still fires onClick while disabled)
    if (busyRef.current) return
    busyRef.current = true
    try {
      let requestId = pending.current.get(id)
      if (!requestId) {
        const answer = await Taro.showModal({
          title: '确认兑换',
          content: `使用 ${offer.pointsPrice ?? 0} 积分兑换「${offer.name}」（${offer.summary}）？`,
          confirmText: '兑换',
          cancelText: '再想想',
        })
        if (!answer.confirm) return
        requestId = newRequestId('ex')
        pending.current.set(id, requestId)
      }
      setBusyId(id)
      setOutcome(id, null)
      try {
        const res = await memberApi.exchangeCoupon(id, requestId)
        if (!res.ok) {
          if (outcomeUnknown(res)) {
            setOutcome(id, { kind: 'error', text: `${failText(res)}。请点击“重试兑换”（不会重复扣积分）`, retry: true })
            return
          }
          // refused: nothing was spent, the next tap is a new exchange
          pending.current.delete(id)
          const text = exchangeErrorText(res, offer, balance)
          setOutcome(id, { kind: 'error', text, retry: false })
          void Taro.showToast({ title: res.code === 'INSUFFICIENT_POINTS' ? '积分不足' : text, icon: 'none' })
          void fetchMall(true)
          return
        }
        pending.current.delete(id)
        setBalance(res.data.balance)
        setOutcome(id, { kind: 'done', couponId: res.data.coupon.couponId, pointsSpent: res.data.pointsSpent })
        void Taro.showToast({ title: '兑换成功', icon: 'success' })
        void fetchMall(true)
      } catch (err) {
        const reason = err instanceof Error && err.message ? `网络异常（${err.message}）` : '网络异常'
        setOutcome(id, { kind: 'error', text: `${reason}。请点击“重试兑换”（不会重复扣积分）`, retry: true })
      }
    } finally {
      busyRef.current = false
      setBusyId(null)
    }
  }

  if (load.status === 'loading') return <PageLoading id='mall-loading' />
  if (load.status === 'error') {
    return <PageError id='mall-error' retryId='mall-retry' message={load.message} onRetry={() => void fetchMall(false)} />
  }

  const { offers, balance } = load
  return (
    <View className='page'>
      <View id='mall-balance-card' className='card mall-balance-card'>
        <View className='mall-balance-main'>
          <Text className='muted'>我的积分</Text>
          <Text id='mall-balance' className='mall-balance'>
            {balance}
          </Text>
        </View>
        <Text className='coupon-link' onClick={() => void Taro.navigateTo({ url: '/pages/points/index' })}>
          积分明细 ›
        </Text>
      </View>

      {offers.length === 0 ? (
        <View id='mall-empty' className='state muted'>
          商城暂时没有可兑换的券，晚点再来看看
        </View>
      ) : null}

      {offers.map(offer => {
        const id = offer.templateId
        const price = offer.pointsPrice ?? 0
        const outcome = outcomes[id]
        const retry = outcome?.kind === 'error' && outcome.retry
        const busy = busyId === id
        const short = balance < price
        const enabled = retry || (offer.canTake && !short)
        const label = busy ? '兑换中…' : retry ? '重试兑换' : !offer.canTake ? offer.reason || '暂不可兑' : short ? '积分不足' : '兑换'
        return (
          <View key={id} id={`mall-offer-${id}`} className='card coupon-item'>
            <View className='coupon-item-main'>
              <Text className='coupon-summary'>{offer.summary}</Text>
              <Text className='coupon-name'>{offer.name}</Text>
              {offer.description ? <Text className='muted coupon-desc'>{offer.description}</Text> : null}
              <Text className='muted'>{offer.validityText}</Text>
              <Text id={`mall-stock-${id}`} className='muted offer-meta'>
                {stockText(offer)} · 每人限兑 {offer.perMemberLimit} 张{offer.held > 0 ? `，已兑 ${offer.held} 张` : ''}
              </Text>
            </View>
            <View className='coupon-item-side'>
              <Text id={`mall-price-${id}`} className='mall-price'>
                {price} 积分
              </Text>
              <Button
                id={`exchange-${id}`}
                className={enabled ? 'btn-primary offer-button' : 'offer-button'}
                size='mini'
                disabled={busy || !enabled || undefined}
                onClick={() => void exchange(offer, balance)}
              >
                {label}
              </Button>
            </View>
            {outcome?.kind === 'error' ? (
              <View id={`exchange-message-${id}`} className='error-text offer-message'>
                {outcome.text}
              </View>
            ) : null}
            {outcome?.kind === 'done' ? (
              <View
                id={`exchange-message-${id}`}
                className='offer-message offer-claimed'
                onClick={() => void Taro.navigateTo({ url: `/pages/coupon/index?couponId=${encodeURIComponent(outcome.couponId)}` })}
              >
                兑换成功，扣除 {outcome.pointsSpent} 积分，点击查看券码 ›
              </View>
            ) : null}
          </View>
        )
      })}
    </View>
  )
}
