import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { formatFen } from '../../utils/money'
import { shanghaiDateTimeText } from '../../utils/format'
import { couponLabel } from '../components/coupon-rules'
import RefundForm from '../components/refund-form'
import StaffDenied from '../components/denied'
import ContactWayCard from '../components/contact-way'
import { PURCHASE_STATUS_TEXT, till } from '../till'
import '../staff.css'

function backToScan() {
  till.clear()
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/staff/scan/index' }))
  } else {
    void Taro.redirectTo({ url: '/staff/scan/index' })
  }
}

/** The purchase just recorded: coupons used, points earned, the member's new balance, and 退款. */
export default function ResultPage() {
  const [result, setResult] = useState(() => till.lastPurchase())
  const [served] = useState(() => till.served())
  const [denied, setDenied] = useState(false)

  if (denied) return <StaffDenied />

  if (!result) {
    return (
      <View className='page'>
        <View id='purchase-result-none' className='state'>
          <Text className='muted'>没有可显示的消费记录</Text>
          <Button id='result-next' className='btn-primary staff-denied-home' onClick={backToScan}>
            继续收银
          </Button>
        </View>
      </View>
    )
  }

  const { purchase } = result
  // older records (and stubs) may lack the coupon fields
  const couponCodes = purchase.couponCodes ?? []
  const usedCoupons = couponCodes.length > 0 || (purchase.discountFen ?? 0) > 0
  return (
    <View className='page'>
      <View id='purchase-result' className='card'>
        <Text className='till-section-title'>{result.replayed ? '这笔消费已记录' : '消费已录入'}</Text>
        {served ? (
          <View className='till-member-line'>
            <Text className='muted'>会员</Text>
            <Text id='purchase-result-member'>{served.member.nickname}</Text>
          </View>
        ) : null}
        {usedCoupons ? (
          <View id='purchase-result-coupons'>
            <View className='till-member-line'>
              <Text className='muted'>订单金额</Text>
              <Text id='purchase-result-order'>{formatFen(purchase.orderFen ?? purchase.amountFen + (purchase.discountFen ?? 0))}</Text>
            </View>
            <View className='till-member-line'>
              <Text className='muted'>券抵扣</Text>
              <Text id='purchase-result-discount' className='coupon-off'>
                -{formatFen(purchase.discountFen)}
              </Text>
            </View>
            <View className='result-coupon-codes'>
              <Text className='muted'>使用的券（{couponCodes.length} 张，已核销）</Text>
              {couponCodes.map(code => (
                <Text key={code} id={`purchase-result-coupon-${code}`} className='result-coupon-code'>
                  {couponLabel(code)}
                </Text>
              ))}
            </View>
          </View>
        ) : null}
        <View className='till-member-line'>
          <Text className='muted'>{usedCoupons ? '实付金额' : '消费金额'}</Text>
          <Text id='purchase-result-amount'>{formatFen(purchase.amountFen)}</Text>
        </View>
        <View className='till-member-line'>
          <Text className='muted'>本次积分</Text>
          <Text id='purchase-result-points' className='till-big'>{`+${result.pointsEarned}`}</Text>
        </View>
        <View className='till-member-line'>
          <Text className='muted'>积分余额</Text>
          <Text id='purchase-result-balance'>{result.balance}</Text>
        </View>
        <View className='till-member-line'>
          <Text className='muted'>状态</Text>
          <Text id='purchase-result-status'>
            {PURCHASE_STATUS_TEXT[purchase.status]}
            {purchase.refundedFen > 0 ? `（已退 ${formatFen(purchase.refundedFen)}）` : ''}
          </Text>
        </View>
        <Text className='muted'>
          {shanghaiDateTimeText(purchase.createdAt)} · 单号 {purchase.purchaseId}
        </Text>
        {result.replayed ? (
          <View id='purchase-result-replayed' className='muted'>
            重复提交：这笔消费之前已经记录成功，没有重复积分。
          </View>
        ) : null}
        <RefundForm
          purchase={purchase}
          idPrefix='refund'
          onDenied={() => setDenied(true)}
          onRefunded={r => {
            const next = { ...result, purchase: r.purchase, balance: r.balance }
            till.setLastPurchase(next)
            setResult(next)
          }}
        />
      </View>

      <ContactWayCard />

      <View className='till-actions'>
        <Button id='result-next' className='btn-primary' onClick={backToScan}>
          继续收银
        </Button>
        <Button id='result-today' className='till-secondary' onClick={() => void Taro.redirectTo({ url: '/staff/today/index' })}>
          今日流水
        </Button>
      </View>
    </View>
  )
}
