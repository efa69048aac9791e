import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import type { LedgerItem } from '../../../../types/points'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { LEDGER_KIND_TEXT, shanghaiDateTimeText, signedPoints } from '../../utils/format'
import { PageError, PageLoading } from '../../components/page-state'
import './index.css'

const PAGE_SIZE = 20

type Load = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string }

/** 消费记录: every purchase, also those that earned no points (history imported without points has no ledger rows). */
function PurchasesEntry() {
  return (
    <View id='points-purchases-entry' className='card points-purchases-entry' onClick={() => void Taro.navigateTo({ url: '/pages/purchases/index' })}>
      <Text>消费记录</Text>
      <Text className='muted'>查看每笔消费 ›</Text>
    </View>
  )
}

/** The member's points ledger, newest first, 20 at a time (加载更多 or scrolling to the bottom). */
export default function PointsPage() {
  const [items, setItems] = useState<LedgerItem[]>([])
  const [hasMore, setHasMore] = useState(true)
  const [loaded, setLoaded] = useState(false)
  const [load, setLoad] = useState<Load>({ status: 'idle' })
  const busy = useRef(false)
  const offset = useRef(0)

  const loadMore = useCallback(async () => {
    if (busy.current) return
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    busy.current = true
    setLoad({ status: 'loading' })
    try {
      const res = await memberApi.pointsHistory(offset.current, PAGE_SIZE)
      if (!res.ok) {
        setLoad({ status: 'error', message: failText(res) })
        return
      }
      offset.current += res.data.items.length
      // rows written meanwhile shift the offsets: never show one row twice
      setItems(prev => {
        const seen = new Set(prev.map(i => i.id))
        return prev.concat(res.data.items.filter(i => !seen.has(i.id)))
      })
      setHasMore(res.data.hasMore && res.data.items.length > 0)
      setLoaded(true)
      setLoad({ status: 'idle' })
    } catch (err) {
      setLoad({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    } finally {
      busy.current = false
    }
  }, [])

  useEffect(() => {
    void loadMore()
  }, [loadMore])

  useReachBottom(() => {
    if (hasMore && load.status !== 'error') void loadMore()
  })

  if (!loaded) {
    if (load.status === 'error') {
      return <PageError id='points-error' retryId='points-retry' message={load.message} onRetry={() => void loadMore()} />
    }
    return <PageLoading id='points-loading' />
  }

  if (items.length === 0) {
    return (
      <View className='page'>
        <PurchasesEntry />
        <View id='points-empty' className='state muted'>
          还没有积分记录，消费即可获得积分
        </View>
      </View>
    )
  }

  return (
    <View className='page'>
      <PurchasesEntry />
      <View id='points-list' className='card points-list'>
        {items.map(item => (
          <View key={item.id} id={`points-row-${item.id}`} className='points-row'>
            <View className='points-row-main'>
              <Text className='points-kind'>{LEDGER_KIND_TEXT[item.kind] ?? item.kind}</Text>
              {item.reason ? <Text className='points-reason muted'>{item.reason}</Text> : null}
              <Text className='points-time muted'>{shanghaiDateTimeText(item.createdAt)}</Text>
            </View>
            <View className='points-row-side'>
              <Text className={item.delta > 0 ? 'points-delta points-delta-plus' : 'points-delta points-delta-minus'}>
                {signedPoints(item.delta)}
              </Text>
              <Text className='points-balance muted'>余额 {item.balanceAfter}</Text>
            </View>
          </View>
        ))}
      </View>

      {load.status === 'error' ? (
        <View id='points-more-error' className='error-text points-footer'>
          {load.message}
        </View>
      ) : null}
      {hasMore ? (
        <Button
          id='points-load-more'
          className='points-load-more'
          disabled={load.status === 'loading' || undefined}
          onClick={() => void loadMore()}
        >
          {load.status === 'loading' ? '加载中…' : '加载更多'}
        </Button>
      ) : (
        <View id='points-end' className='muted points-footer'>
          没有更多了
        </View>
      )}
    </View>
  )
}
