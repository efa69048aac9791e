import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { CouponView } from '../../../../types/coupons'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { groupDigits, shanghaiDateText, shanghaiDateTimeText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import { PageError, PageLoading } from '../../components/page-state'
import QrCanvas from '../code/qr-canvas'
import { COUPON_STATE_TEXT, couponValidityRange, stackText, thresholdText } from '../coupons/coupon-text'
import '../coupons/coupon.css'
import './index.css'

type Ready = { status: 'ready'; coupon: CouponView }

const QR_SIZE = 200

function routerCouponId(): string {
  const raw = Taro.getCurrentInstance?.()?.router?.params?.couponId
  if (!raw) return ''
  try {
    return decodeURIComponent(String(raw))
  } catch {
    return String(raw)
  }
}

/**
 * One coupon (router param couponId). An available coupon shows its 12-digit code as a QR code and
 * in groups of 4 for the staff to scan or type; a used or expired one shows a stamp and no code.
 */
export default function CouponPage() {
  const [couponId] = useState(routerCouponId)
  const { load, refresh, refreshing } = usePageLoad(
    () => memberApi.couponDetail(couponId),
    (data): Ready => ({ status: 'ready', coupon: data.coupon }),
    {
      initial: () => (couponId ? { status: 'loading' } : { status: 'error', message: '没有指定要查看的券' }),
      errorText: f => (f.code === 'NOT_FOUND' ? '这张券不存在或不属于你' : failText(f)),
    },
  )
  const fetchCoupon = () => {
    if (couponId) void refresh(false)
  }

  // shown again (e.g. after the staff wrote it off): the state may have changed
  useDidShow(fetchCoupon)

  if (load.status === 'loading') return <PageLoading id='coupon-loading' />
  if (load.status === 'error') {
    if (!couponId) {
      return (
        <View className='page'>
          <View id='coupon-error' className='state'>
            <Text className='error-text'>{load.message}</Text>
            <Button id='coupon-to-list' className='btn-primary coupon-to-list' onClick={() => void Taro.redirectTo({ url: '/pages/coupons/index' })}>
              查看我的券
            </Button>
          </View>
        </View>
      )
    }
    return <PageError id='coupon-error' retryId='coupon-retry' message={load.message} onRetry={fetchCoupon} />
  }

  const c = load.coupon
  const usable = c.state === 'available'
  return (
    <View className='page'>
      <View id='coupon-detail' className={usable ? 'card coupon-detail' : 'card coupon-detail coupon-detail-inactive'} data-state={c.state}>
        <Text id='coupon-summary' className='coupon-summary coupon-detail-summary'>
          {c.summary}
        </Text>
        <Text id='coupon-name' className='coupon-name'>
          {c.name}
        </Text>

        {usable && c.type === 'makeup_card' ? (
          <View id='coupon-makeup-card' className='coupon-code-box'>
            <Text className='muted coupon-code-hint'>补签卡不能在门店使用，在签到页补签漏签的日期时使用</Text>
            <Button id='coupon-to-checkin' className='btn-primary coupon-to-checkin' onClick={() => void Taro.navigateTo({ url: '/pages/checkin/index' })}>
              去签到补签
            </Button>
          </View>
        ) : null}

        {usable && c.type !== 'makeup_card' ? (
          <View id='coupon-code-box' className='coupon-code-box'>
            <View className='coupon-qr' data-code={c.code}>
              <QrCanvas id='coupon-qr' text={c.code} size={QR_SIZE} />
            </View>
            <View id='coupon-code' className='coupon-code' data-code={c.code}>
              {groupDigits(c.code, 4)}
            </View>
            <Text className='muted coupon-code-hint'>结账时向店员出示二维码，或报出券码</Text>
            {c.notYetValid ? (
              <Text id='coupon-not-yet' className='coupon-not-yet'>
                {shanghaiDateTimeText(c.validFrom)} 起可用
              </Text>
            ) : null}
          </View>
        ) : null}

        {!usable ? (
          <View id='coupon-stamp' className={`coupon-stamp coupon-stamp-${c.state}`}>
            {COUPON_STATE_TEXT[c.state]}
          </View>
        ) : null}
      </View>

      <View id='coupon-rules' className='card coupon-rules'>
        <View className='coupon-rule'>
          <Text className='coupon-rule-label'>状态</Text>
          <Text id='coupon-state' className='coupon-rule-value'>
            {COUPON_STATE_TEXT[c.state]}
            {c.state === 'used' && c.usedAt ? `（${shanghaiDateTimeText(c.usedAt)}）` : ''}
          </Text>
        </View>
        {c.giftName ? (
          <View className='coupon-rule'>
            <Text className='coupon-rule-label'>礼品</Text>
            <Text className='coupon-rule-value'>{c.giftName}</Text>
          </View>
        ) : null}
        {c.type !== 'makeup_card' ? (
          <View className='coupon-rule'>
            <Text className='coupon-rule-label'>门槛</Text>
            <Text id='coupon-threshold' className='coupon-rule-value'>
              {thresholdText(c.minSpendFen)}
            </Text>
          </View>
        ) : null}
        <View className='coupon-rule'>
          <Text className='coupon-rule-label'>有效期</Text>
          <Text id='coupon-validity' className='coupon-rule-value'>
            {couponValidityRange(c)}
          </Text>
        </View>
        {c.type !== 'makeup_card' ? (
          <View className='coupon-rule'>
            <Text className='coupon-rule-label'>叠加</Text>
            <Text id='coupon-stackable' className='coupon-rule-value'>
              {stackText(c.stackable)}
            </Text>
          </View>
        ) : null}
        <View className='coupon-rule'>
          <Text className='coupon-rule-label'>领取时间</Text>
          <Text className='coupon-rule-value'>{shanghaiDateText(c.issuedAt)}</Text>
        </View>
      </View>

      {usable ? (
        <Button id='coupon-refresh' className='coupon-refresh' disabled={refreshing || undefined} onClick={fetchCoupon}>
          {refreshing ? '刷新中…' : '刷新券状态'}
        </Button>
      ) : null}
    </View>
  )
}
