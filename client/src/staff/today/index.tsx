import { useEffect } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { StaffOutputs } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { formatFen } from '../../utils/money'
import { shanghaiTimeText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import RefundForm from '../components/refund-form'
import { PageError, PageLoading } from '../../components/page-state'
import StaffDenied from '../components/denied'
import { PURCHASE_STATUS_TEXT, idPart, till } from '../till'
import '../staff.css'

type Ready = { status: 'ready'; today: StaffOutputs['today'] }

/** The store's activity today (Shanghai day): totals and recent purchases, each refundable. */
export default function TodayPage() {
  const {
    load: state,
    setLoad: setState,
    refresh,
    refreshing,
  } = usePageLoad(
    () => staffApi.today(),
    (today): Ready => ({ status: 'ready', today }),
    { denied: true },
  )

  useEffect(() => {
    void refresh(false)
  }, [refresh])

  if (state.status === 'denied') return <StaffDenied />
  if (state.status === 'loading') {
    return <PageLoading id='today-loading' />
  }
  if (state.status === 'error') {
    return <PageError id='today-error' retryId='today-retry' message={state.message} onRetry={() => void refresh(false)} />
  }

  const { today } = state
  const storeName = till.me()?.storeName
  return (
    <View className='page'>
      <View className='card'>
        <View className='till-store'>
          <Text className='till-section-title'>
            {storeName ? `${storeName} · ` : ''}
            {today.date}
          </Text>
          <View className='till-header-buttons'>
            <Button id='today-coupons-entry' className='till-header-button' size='mini' onClick={() => void Taro.navigateTo({ url: '/staff/coupons/index' })}>
              核销券
            </Button>
            <Button id='today-care-entry' className='till-header-button' size='mini' onClick={() => void Taro.navigateTo({ url: '/staff/care/index' })}>
              关怀任务
            </Button>
            <Button id='today-refresh' className='till-header-button' size='mini' disabled={refreshing || undefined} onClick={() => void refresh(false)}>
              {refreshing ? '刷新中' : '刷新'}
            </Button>
          </View>
        </View>
        <View className='today-stats'>
          <View className='today-stat'>
            <Text className='muted'>消费笔数</Text>
            <Text id='today-purchases' className='today-stat-value'>
              {today.purchases}
            </Text>
          </View>
          <View className='today-stat'>
            <Text className='muted'>销售额</Text>
            <Text id='today-sales' className='today-stat-value'>
              {formatFen(today.salesFen)}
            </Text>
          </View>
          <View className='today-stat'>
            <Text className='muted'>发放积分</Text>
            <Text id='today-points' className='today-stat-value'>
              {today.pointsAwarded}
            </Text>
          </View>
          <View className='today-stat'>
            <Text className='muted'>退款</Text>
            <Text id='today-refunds' className='today-stat-value'>
              {today.refunds} 笔 {formatFen(today.refundedFen)}
            </Text>
          </View>
        </View>
      </View>

      <View id='today-recent' className='card'>
        <Text className='till-section-title'>最近消费</Text>
        {today.recent.length === 0 ? (
          <Text id='today-empty' className='muted'>
            今天还没有消费记录
          </Text>
        ) : (
          today.recent.map(p => (
            <View key={p.purchaseId} id={`today-row-${idPart(p.purchaseId)}`} className='today-row'>
              <View className='today-row-line'>
                <Text className='today-amount'>{formatFen(p.amountFen)}</Text>
                <Text className='muted'>{shanghaiTimeText(p.createdAt)}</Text>
              </View>
              <View className='today-row-line'>
                <Text className='muted'>会员 {p.memberNo}</Text>
                <Text className='muted'>
                  积分 +{p.pointsEarned}
                  {p.pointsReversed > 0 ? ` / 扣回 ${p.pointsReversed}` : ''}
                </Text>
              </View>
              {p.discountFen > 0 ? (
                <View className='today-row-line'>
                  <Text className='muted'>
                    订单 {formatFen(p.orderFen)}，券抵扣 {formatFen(p.discountFen)}（{(p.couponCodes ?? []).length} 张）
                  </Text>
                </View>
              ) : null}
              <View className='today-row-line'>
                <Text className='today-status'>
                  {PURCHASE_STATUS_TEXT[p.status]}
                  {p.refundedFen > 0 ? `（已退 ${formatFen(p.refundedFen)}）` : ''}
                </Text>
              </View>
              <RefundForm purchase={p} idPrefix={`today-refund-${idPart(p.purchaseId)}`} onDenied={() => setState({ status: 'denied' })} onRefunded={() => void refresh(true)} />
            </View>
          ))
        )}
      </View>
    </View>
  )
}
