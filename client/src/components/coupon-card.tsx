import { Text, View } from '@tarojs/components'
import type { CouponView } from '../../../types/coupons'
import { shanghaiDateText } from '../utils/format'
import { COUPON_STATE_TEXT, couponValidityShort } from '../pages/coupons/coupon-text'
import '../pages/coupons/coupon.css'
import './coupon-card.css'

/** What the card shows: a coupon as `member.myCoupons` lists it (JSON, so a native host can pass it too). */
export type CouponCardData = Pick<CouponView, 'couponId' | 'state' | 'type' | 'summary' | 'name' | 'validFrom' | 'validUntil' | 'notYetValid' | 'usedAt'>

/** The native custom component's host (Taro passes it as `$scope` when this is built with `taro build native-components`). */
interface NativeHost {
  triggerEvent(name: string, detail: unknown): void
}

export interface CouponCardProps {
  coupon: CouponCardData
  /** React hosts (我的券): called with the coupon id on tap */
  onOpen?: (couponId: string) => void
  /** set by Taro's native-component wrapper: a native host listens with `bind:open` (detail `{ couponId }`) */
  $scope?: NativeHost
}

/** The side of the card: what a tap does for a usable coupon, or the state stamp (已使用 / 已过期). */
export function couponSideText(c: CouponCardData): string {
  if (c.state !== 'available') return COUPON_STATE_TEXT[c.state]
  if (c.type === 'makeup_card') return '用于补签 ›'
  return c.notYetValid ? '未到可用时间' : '出示券码 ›'
}

/**
 * One coupon in 我的券: value (满100减20), name, validity (or when it was used), and a state badge.
 * A tap reports the coupon id: `onOpen` in the Taro app, the `open` event when compiled to a native
 * custom component (test/scripts/native-components.test.ts renders it that way).
 */
export default function CouponCard({ coupon: c, onOpen, $scope }: CouponCardProps) {
  if (!c) return null
  const usable = c.state === 'available'
  const tap = () => {
    if (onOpen) onOpen(c.couponId)
    else $scope?.triggerEvent('open', { couponId: c.couponId })
  }
  return (
    <View id={`coupon-${c.couponId}`} className={usable ? 'card coupon-item' : 'card coupon-item coupon-inactive'} data-state={c.state} onClick={tap}>
      <View className='coupon-item-main'>
        <Text className='coupon-summary'>{c.summary}</Text>
        <Text className='coupon-name'>{c.name}</Text>
        <Text className='muted coupon-validity'>{c.state === 'used' && c.usedAt ? `${shanghaiDateText(c.usedAt)} 已使用` : couponValidityShort(c)}</Text>
      </View>
      <View className='coupon-item-side'>
        <Text className={usable ? 'coupon-link' : 'coupon-stamp-small'} data-state={c.state}>
          {couponSideText(c)}
        </Text>
      </View>
    </View>
  )
}
