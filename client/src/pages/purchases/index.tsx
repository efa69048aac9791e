import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { MyPurchaseView } from '../../../../types/member'
import { memberApi } from '../../services/member'
import { shanghaiDateTimeText } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { PageError, PageLoading } from '../../components/page-state'
import { usePagedList } from '../../utils/use-paged-list'
import './index.css'

const PAGE_SIZE = 20
/** lines shown before 展开 (an order may have up to 200) */
const LINES_SHOWN = 5

function PurchaseCard({ p, expanded, onExpand }: { p: MyPurchaseView; expanded: boolean; onExpand: () => void }) {
  const lines = expanded ? p.lines : p.lines.slice(0, LINES_SHOWN)
  return (
    <View id={`purchase-${p.purchaseId}`} className='card purchase-card'>
      <View className='purchase-head'>
        <Text className='purchase-time'>{shanghaiDateTimeText(p.at)}</Text>
        <Text className='purchase-channel'>{p.channel}</Text>
      </View>
      <Text className='purchase-store'>{p.storeName}</Text>
      {lines.length ? (
        <View className='purchase-lines'>
          {lines.map((l, i) => (
            <View key={i} className='purchase-line'>
              <Text className='purchase-line-title'>
                {l.title} × {l.quantity}
              </Text>
              <Text className='muted'>{formatFen(l.priceFen * l.quantity)}</Text>
            </View>
          ))}
          {p.lines.length > LINES_SHOWN && !expanded ? (
            <View id={`purchase-expand-${p.purchaseId}`} className='purchase-lines-toggle' onClick={onExpand}>
              展开全部 {p.lines.length} 项
            </View>
          ) : null}
        </View>
      ) : null}
      <View className='purchase-money'>
        <Text className='purchase-paid'>实付 {formatFen(p.amountFen)}</Text>
        {p.discountFen > 0 ? <Text className='purchase-extra muted'>优惠 {formatFen(p.discountFen)}</Text> : null}
        {p.refundedFen > 0 ? (
          <Text className='purchase-refunded'>
            {p.status === 'refunded' ? '已全额退款' : '已退款'} {formatFen(p.refundedFen)}
          </Text>
        ) : null}
      </View>
      {p.pointsEarned > 0 || p.pointsReversed > 0 ? (
        <Text className='purchase-points'>
          {p.pointsEarned > 0 ? `获得 ${p.pointsEarned} 积分` : ''}
          {p.pointsReversed > 0 ? <Text className='purchase-points-reversed'>退款扣回 {p.pointsReversed} 积分</Text> : null}
        </Text>
      ) : null}
    </View>
  )
}

/** 消费记录: the member's purchases — at the till, online / POS, and the brand's past orders — newest first, 20 at a time. */
export default function PurchasesPage() {
  const { items, total, hasMore, loaded, load, loadMore } = usePagedList(
    async offset => {
      const res = await memberApi.myPurchases(offset, PAGE_SIZE)
      return res.ok ? { ok: true as const, data: { items: res.data.items, total: res.data.total, hasMore: offset + res.data.items.length < res.data.total } } : res
    },
    (p: MyPurchaseView) => p.purchaseId,
  )
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())

  if (!loaded) {
    if (load.status === 'error') {
      return <PageError id='purchases-error' retryId='purchases-retry' message={load.message} onRetry={() => void loadMore()} />
    }
    return <PageLoading id='purchases-loading' />
  }

  if (items.length === 0) {
    return (
      <View className='page'>
        <View id='purchases-empty' className='state muted'>
          <Text>还没有消费记录</Text>
          <Text className='purchases-empty-hint muted'>到店消费时出示会员码；绑定手机号后，该手机号的历史订单也会显示在这里</Text>
        </View>
      </View>
    )
  }

  return (
    <View className='page'>
      <View id='purchases-total' className='purchases-summary muted'>
        共 {total ?? items.length} 笔消费
      </View>
      <View id='purchases-list'>
        {items.map(p => (
          <PurchaseCard key={p.purchaseId} p={p} expanded={expanded.has(p.purchaseId)} onExpand={() => setExpanded(s => new Set(s).add(p.purchaseId))} />
        ))}
      </View>

      {load.status === 'error' ? (
        <View id='purchases-more-error' className='error-text purchases-footer'>
          {load.message}
        </View>
      ) : null}
      {hasMore ? (
        <Button id='purchases-load-more' className='purchases-load-more' disabled={load.status === 'loading' || undefined} onClick={() => void loadMore()}>
          {load.status === 'loading' ? '加载中…' : '加载更多'}
        </Button>
      ) : (
        <View id='purchases-end' className='muted purchases-footer'>
          没有更多了
        </View>
      )}
    </View>
  )
}
