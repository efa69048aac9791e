import { useCallback, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import type { CouponState, CouponView } from '../../../../types/coupons'
import type { MemberOutputs } from '../../../../types/member'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import CouponCard from '../../components/coupon-card'
import { COUPON_STATE_TEXT } from './coupon-text'
import './coupon.css'
import './index.css'

const PAGE_SIZE = 20
const TABS: CouponState[] = ['available', 'used', 'expired']

type Counts = MemberOutputs['myCoupons']['counts']
type Load = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string }
/** tab: a new tab, start empty · refresh: shown again, keep the list until the answer · more: the next page */
type Mode = 'tab' | 'refresh' | 'more'

const EMPTY_TEXT: Record<CouponState, string> = {
  available: '还没有可使用的券',
  used: '还没有使用过的券',
  expired: '没有已过期的券',
}

/** 我的券: 可使用 / 已使用 / 已过期, 20 at a time; a tap opens the coupon with its code. */
export default function CouponsPage() {
  const [tab, setTab] = useState<CouponState>('available')
  const [items, setItems] = useState<CouponView[]>([])
  const [counts, setCounts] = useState<Counts | null>(null)
  const [hasMore, setHasMore] = useState(false)
  const [loaded, setLoaded] = useState(false)
  const [load, setLoad] = useState<Load>({ status: 'idle' })
  const tabRef = useRef<CouponState>('available')
  const offset = useRef(0)
  const busy = useRef(false)
  const seq = useRef(0)
  const shown = useRef(false)

  const fetchPage = useCallback(async (mode: Mode) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    if (mode === 'more' && busy.current) return
    if (mode !== 'more') {
      // a new list: any answer still on its way belongs to the old one
      seq.current++
      offset.current = 0
    }
    const mine = seq.current
    const state = tabRef.current
    busy.current = true
    setLoad({ status: 'loading' })
    if (mode === 'tab') {
      setItems([])
      setLoaded(false)
      setHasMore(false)
    }
    try {
      const res = await memberApi.myCoupons(state, offset.current, PAGE_SIZE)
      if (mine !== seq.current) return
      if (!res.ok) {
        setLoad({ status: 'error', message: failText(res) })
        return
      }
      const page = res.data.items
      offset.current += page.length
      setItems(prev => {
        if (mode !== 'more') return page
        // coupons issued or used meanwhile shift the offsets: never show one twice
        const seen = new Set(prev.map(c => c.couponId))
        return prev.concat(page.filter(c => !seen.has(c.couponId)))
      })
      setCounts(res.data.counts)
      setHasMore(res.data.hasMore && page.length > 0)
      setLoaded(true)
      setLoad({ status: 'idle' })
    } catch (err) {
      if (mine !== seq.current) return
      setLoad({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    } finally {
      if (mine === seq.current) busy.current = false
    }
  }, [])

  // first show, and back from a coupon (it may have been used meanwhile)
  useDidShow(() => {
    void fetchPage(shown.current ? 'refresh' : 'tab')
    shown.current = true
  })

  useReachBottom(() => {
    if (hasMore && load.status === 'idle') void fetchPage('more')
  })

  const switchTab = (next: CouponState) => {
    if (next === tabRef.current) return
    tabRef.current = next
    setTab(next)
    void fetchPage('tab')
  }

  const open = (couponId: string) => void Taro.navigateTo({ url: `/pages/coupon/index?couponId=${encodeURIComponent(couponId)}` })

  return (
    <View className='page'>
      <View id='coupon-tabs' className='coupon-tabs card'>
        {TABS.map(t => (
          <View
            key={t}
            id={`coupon-tab-${t}`}
            className={t === tab ? 'coupon-tab coupon-tab-active' : 'coupon-tab'}
            data-active={t === tab ? 'true' : 'false'}
            onClick={() => switchTab(t)}
          >
            {COUPON_STATE_TEXT[t]}
            {counts ? `（${counts[t]}）` : ''}
          </View>
        ))}
      </View>

      {!loaded && load.status === 'error' ? (
        <View id='coupons-error' className='state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='coupons-retry' className='btn-primary coupons-retry' onClick={() => void fetchPage('tab')}>
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
        <Button id='coupons-load-more' disabled={load.status === 'loading' || undefined} onClick={() => void fetchPage('more')}>
          {load.status === 'loading' ? '加载中…' : '加载更多'}
        </Button>
      ) : null}
      {loaded && !hasMore && items.length > 0 ? (
        <View id='coupons-end' className='muted coupons-footer'>
          没有更多了
        </View>
      ) : null}
    </View>
  )
}
