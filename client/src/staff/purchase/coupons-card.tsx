import { Button, Text, View } from '@tarojs/components'
import type { CouponView } from '../../../../types/coupons'
import CouponList from '../components/coupon-list'
import '../staff.css'

/** The member's coupons as loaded for the purchase (`denied` is the page's to show). */
export type PurchaseCoupons = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; list: CouponView[] } | { status: 'denied' }

interface Props {
  coupons: PurchaseCoupons
  /** codes shown as chosen (the pending submission's, or the selection) */
  chosenCodes: string[]
  orderFen: number | null
  locked: boolean
  discountByCode: Record<string, number>
  /** why the selection just changed (a coupon dropped, one replacing another) */
  hint: string
  onTap: (c: CouponView) => void
  onRetry: () => void
}

/** 优惠券: loading, a failure with 重试, none, or the list to choose from; then the hint. */
export default function PurchaseCouponsCard({ coupons, chosenCodes, orderFen, locked, discountByCode, hint, onTap, onRetry }: Props) {
  const list = coupons.status === 'ready' ? coupons.list : []
  return (
    <View id='purchase-coupons' className='card'>
      <View className='till-store'>
        <Text className='till-section-title'>优惠券</Text>
        {coupons.status === 'ready' && list.length > 0 ? <Text className='muted'>{list.length} 张可用</Text> : null}
      </View>
      {coupons.status === 'loading' ? (
        <Text id='purchase-coupons-loading' className='muted'>
          正在加载会员的券…
        </Text>
      ) : coupons.status === 'error' ? (
        <View id='purchase-coupons-error' className='coupon-load-error'>
          <Text className='error-text'>券加载失败：{coupons.message}</Text>
          <Button id='purchase-coupons-retry' className='till-header-button' size='mini' onClick={onRetry}>
            重试
          </Button>
        </View>
      ) : list.length === 0 ? (
        <Text id='purchase-coupons-empty' className='muted'>
          该会员暂无可用的券
        </Text>
      ) : (
        <View>
          <Text className='muted coupon-rule'>不可叠加的券一次只能用一张；可叠加的券可同时使用多张</Text>
          <CouponList coupons={list} selected={chosenCodes} orderFen={orderFen} locked={locked} idPrefix='purchase-coupon' discounts={discountByCode} onTap={onTap} />
        </View>
      )}
      {hint ? (
        <View id='purchase-coupon-hint' className='coupon-hint'>
          {hint}
        </View>
      ) : null}
    </View>
  )
}
