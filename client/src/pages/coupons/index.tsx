import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { CouponState, CouponView } from '../../../../types/coupons'
import type { MemberOutputs } from '../../../../types/member'
import { memberApi } from '../../services/member'
import CouponCard from '../../components/coupon-card'
import ContactButton from '../../components/contact-button'
import { usePagedList } from '../../utils/use-paged-list'
import { COUPON_STATE_TEXT } from './coupon-text'
import './coupon.css'
import './index.css'

const PAGE_SIZE = 20
const TABS: CouponState[] = ['available', 'used', 'expired']

type Counts = MemberOutputs['myCoupons']['counts']

const EMPTY_TEXT: Record<CouponState, string> = {
  available: '还没有可使用的券',
  used: '还没有使用过的券',
  expired: '没有已过期的券',
}

/** 我的券: 可使用 / 已使用 / 已过期, 20 at a time; a tap opens the coupon with its code. */
export default function CouponsPage() {
  const [tab, setTab] = useState<CouponState>('available')
  const [counts, setCounts] = useState<Counts | null>(null)
  const tabRef = useRef<CouponState>('available')
  const shown = useRef(false)
  const { items, hasMore, loaded, load, loadMore, reload } = usePagedList(
    offset => memberApi.myCoupons(tabRef.current, offset, PAGE_SIZE),
    (c: CouponView) => c.couponId,
    { auto: false, onPage: page => setCounts(page.counts) },
  )

  // first show (a new list), and back from a coupon (it may have been used meanwhile: kept until the answer)
  useDidShow(() => {
    void reload(shown.current)
    shown.current = true
  })

  const switchTab = (next: CouponState) => {
    if (next === tabRef.current) return
    tabRef.current = next
    setTab(next)
    void reload(false)
  }

  const open = (couponId: string) => void Taro.navigateTo({ url: `/pages/coupon/index?couponId=${encodeURIComponent(couponId)}` })

  return (
    <View className='page'>
      <View id='coupon-tabs' className='coupon-tabs card'>
        {TABS.map(t => (
          <View key={t} id={`coupon-tab-${t}`} className={t === tab ? 'coupon-tab coupon-tab-active' : 'coupon-tab'} data-active={t === tab ? 'true' : 'false'} onClick={() => switchTab(t)}>
            {COUPON_STATE_TEXT[t]}
            {counts ? `（${counts[t]}）` : ''}
          </View>
        ))}
      </View>

      {!loaded && load.status === 'error' ? (
        <View id='coupons-error' className='state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='coupons-retry' className='btn-primary coupons-retry' onClick={() => void reload(false)}>
            重试
          </Button>
        </View>
      ) : null}
      {!loaded && load.status !== 'error' ? (
        <View id='coupons-loading' className='state muted'>
          加载中…
        </View>
      ) : null}

      {loaded && items.length === 0 ? (
        <View id='coupons-empty' className='state muted'>
          <View>{EMPTY_TEXT[tab]}</View>
          {tab === 'available' ? (
            <Button id='coupons-to-claim' className='btn-primary coupons-to-claim' onClick={() => void Taro.navigateTo({ url: '/pages/claim/index' })}>
              去领券中心
            </Button>
          ) : null}
        </View>
      ) : null}

      {loaded ? items.map(c => <CouponCard key={c.couponId} coupon={c} onOpen={open} />) : null}

      {loaded && load.status === 'error' ? (
        <View id='coupons-more-error' className='error-text coupons-footer'>
          {load.message}
        </View>
      ) : null}
      {loaded && hasMore ? (
        <Button id='coupons-load-more' disabled={load.status === 'loading' || undefined} onClick={() => void loadMore()}>
          {load.status === 'loading' ? '加载中…' : '加载更多'}
        </Button>
      ) : null}
      {loaded && !hasMore && items.length > 0 ? (
        <View id='coupons-end' className='muted coupons-footer'>
          没有更多了
        </View>
      ) : null}
      <ContactButton id='coupons-contact' />
    </View>
  )
}
