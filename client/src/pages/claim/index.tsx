import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { OfferView } from '../../../../types/coupons'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { usePageLoad } from '../../utils/use-page-load'
import { newRequestId } from '../../utils/request-id'
import { askForReminders, canAskForReminders, loadReminderAsk } from '../../utils/subscribe'
import { PageError, PageLoading } from '../../components/page-state'
import { outcomeUnknown, stockText, takeErrorText } from '../coupons/coupon-text'
import '../coupons/coupon.css'
import './index.css'

type Ready = { status: 'ready'; offers: OfferView[] }

/** What the last tap on an offer led to. */
type Outcome = { kind: 'error'; text: string; retry: boolean } | { kind: 'claimed'; couponId: string }

/**
 * 领券中心: the templates this member can take. One requestId per tap, kept while the outcome is
 * unknown (network error, outage) so 重试 can never issue a second coupon; a refusal (领完, 上限)
 * is shown on the offer and the list is refreshed.
 */
export default function ClaimPage() {
  const { load, refresh: fetchOffers } = usePageLoad(
    () => memberApi.claimCenter(),
    (data): Ready => ({ status: 'ready', offers: data.offers }),
  )
  const [busy, setBusy] = useState<Record<string, boolean>>({})
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({})
  /** weapp: templates to offer in WeChat's subscribe dialog; `remindFor`: the offer just claimed */
  const [askIds, setAskIds] = useState<string[]>([])
  const [remindFor, setRemindFor] = useState<string | null>(null)
  const busyRef = useRef(new Set<string>())
  const pending = useRef(new Map<string, string>())

  useDidShow(() => {
    void fetchOffers(false)
    // ahead of the tap: WeChat opens the subscribe dialog only synchronously inside a tap
    if (canAskForReminders()) void loadReminderAsk().then(setAskIds)
  })

  /** The tap on 提醒我: the dialog is requested synchronously here (utils/subscribe.ts). */
  const subscribeReminders = () => {
    void askForReminders(askIds, view => setAskIds(view.askTemplateIds))
    setRemindFor(null)
  }

  const setOutcome = (templateId: string, outcome: Outcome | null) =>
    setOutcomes(prev => {
      const next = { ...prev }
      if (outcome) next[templateId] = outcome
      else delete next[templateId]
      return next
    })

  const setBusyFor = (templateId: string, on: boolean) => {
    if (on) busyRef.current.add(templateId)
    else busyRef.current.delete(templateId)
    setBusy(prev => ({ ...prev, [templateId]: on }))
  }

  const claim = async (offer: OfferView) => {
    const id = offer.templateId
    // H5's Button still fires onClick while disabled: one request per offer at a time
    if (busyRef.current.has(id)) return
    let requestId = pending.current.get(id)
    if (!requestId) {
      requestId = newRequestId('cl')
      pending.current.set(id, requestId)
    }
    setBusyFor(id, true)
    setOutcome(id, null)
    try {
      const res = await memberApi.claimCoupon(id, requestId)
      if (!res.ok) {
        if (outcomeUnknown(res)) {
          setOutcome(id, { kind: 'error', text: `${failText(res)}。请点击“重试领取”（不会重复领取）`, retry: true })
          return
        }
        // refused: nothing was issued, the next tap is a new claim
        pending.current.delete(id)
        const text = takeErrorText(res, '领取')
        setOutcome(id, { kind: 'error', text, retry: false })
        void Taro.showToast({ title: text, icon: 'none' })
        void fetchOffers(true)
        return
      }
      pending.current.delete(id)
      setOutcome(id, { kind: 'claimed', couponId: res.data.coupon.couponId })
      void Taro.showToast({ title: '领取成功', icon: 'success' })
      // the natural moment to offer an expiry reminder; the dialog needs a tap of its own (提醒我 below)
      setRemindFor(id)
      void fetchOffers(true)
    } catch (err) {
      const reason = err instanceof Error && err.message ? `网络异常（${err.message}）` : '网络异常'
      setOutcome(id, { kind: 'error', text: `${reason}。请点击“重试领取”（不会重复领取）`, retry: true })
    } finally {
      setBusyFor(id, false)
    }
  }

  if (load.status === 'loading') return <PageLoading id='claim-loading' />
  if (load.status === 'error') {
    return <PageError id='claim-error' retryId='claim-retry' message={load.message} onRetry={() => void fetchOffers(false)} />
  }

  return (
    <View className='page'>
      <View className='coupon-toolbar'>
        <Text className='muted'>领取后可在“我的券”中查看和使用</Text>
        <Text id='claim-my-coupons' className='coupon-link' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/index' })}>
          我的券 ›
        </Text>
      </View>
      {load.offers.length === 0 ? (
        <View id='claim-empty' className='state muted'>
          暂时没有可领取的券，晚点再来看看
        </View>
      ) : null}
      {load.offers.map(offer => {
        const id = offer.templateId
        const outcome = outcomes[id]
        const claiming = !!busy[id]
        const retry = outcome?.kind === 'error' && outcome.retry
        const label = claiming ? '领取中…' : retry ? '重试领取' : offer.canTake ? '领取' : offer.reason || '暂不可领'
        return (
          <View key={id} id={`offer-${id}`} className='card coupon-item offer-item'>
            <View className='coupon-item-main'>
              <Text className='coupon-summary'>{offer.summary}</Text>
              <Text className='coupon-name'>{offer.name}</Text>
              {offer.description ? <Text className='muted coupon-desc'>{offer.description}</Text> : null}
              <Text className='muted'>{offer.validityText}</Text>
              <View className='offer-meta muted'>
                <Text id={`offer-stock-${id}`}>{stockText(offer)}</Text>
                <Text>
                  {' '}
                  · 每人限领 {offer.perMemberLimit} 张{offer.held > 0 ? `，已领 ${offer.held} 张` : ''}
                </Text>
              </View>
            </View>
            <View className='coupon-item-side'>
              <Button
                id={`claim-${id}`}
                className={offer.canTake || retry ? 'btn-primary offer-button' : 'offer-button'}
                size='mini'
                disabled={claiming || (!offer.canTake && !retry) || undefined}
                onClick={() => void claim(offer)}
              >
                {label}
              </Button>
            </View>
            {outcome?.kind === 'error' ? (
              <View id={`claim-message-${id}`} className='error-text offer-message'>
                {outcome.text}
              </View>
            ) : null}
            {outcome?.kind === 'claimed' ? (
              <View
                id={`claim-message-${id}`}
                className='offer-message offer-claimed'
                onClick={() => void Taro.navigateTo({ url: `/pages/coupon/index?couponId=${encodeURIComponent(outcome.couponId)}` })}
              >
                领取成功，点击查看券码 ›
              </View>
            ) : null}
            {outcome?.kind === 'claimed' && remindFor === id && askIds.length > 0 ? (
              <View id={`claim-remind-${id}`} className='offer-message' style={{ display: 'flex', alignItems: 'center' }}>
                <Text className='muted' style={{ flex: 1 }}>
                  券快到期时用微信消息提醒你
                </Text>
                <Button id={`claim-remind-button-${id}`} className='btn-primary' size='mini' onClick={subscribeReminders}>
                  提醒我
                </Button>
              </View>
            ) : null}
          </View>
        )
      })}
    </View>
  )
}
