import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { LedgerItem } from '../../../../types/points'
import { memberApi } from '../../services/member'
import { LEDGER_KIND_TEXT, shanghaiDateTimeText, signedPoints } from '../../utils/format'
import { PageError, PageLoading } from '../../components/page-state'
import { usePagedList } from '../../utils/use-paged-list'
import './index.css'

const PAGE_SIZE = 20

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
  const { items, hasMore, loaded, load, loadMore } = usePagedList(
    offset => memberApi.pointsHistory(offset, PAGE_SIZE),
    (i: LedgerItem) => i.id,
  )

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
              <Text className={item.delta > 0 ? 'points-delta points-delta-plus' : 'points-delta points-delta-minus'}>{signedPoints(item.delta)}</Text>
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
        <Button id='points-load-more' className='points-load-more' disabled={load.status === 'loading' || undefined} onClick={() => void loadMore()}>
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
