import { Text, View } from '@tarojs/components'
import { formatFen } from '../../utils/money'
import type { ChargeResult } from '../basket'
import '../staff.css'

interface Props {
  /** the basket's charge (null: no products, the amount was typed) */
  charge: ChargeResult | null
  orderFen: number
  /** coupons chosen */
  chosenCount: number
  discountFen: number
  paidFen: number
}

/** What the member pays: the lines' total and its 优惠, the order amount, the coupons' estimated discount, 实付. */
export default function PurchaseSummaryCard({ charge, orderFen, chosenCount, discountFen, paidFen }: Props) {
  return (
    <View id='purchase-summary' className='card'>
      {charge?.ok && charge.discountFen > 0 ? (
        <View className='till-member-line'>
          <Text className='muted'>明细合计（优惠 {formatFen(charge.discountFen)}）</Text>
          <Text id='purchase-lines-total'>{formatFen(charge.totalFen)}</Text>
        </View>
      ) : null}
      <View className='till-member-line'>
        <Text className='muted'>订单金额</Text>
        <Text id='purchase-order-total'>{formatFen(orderFen)}</Text>
      </View>
      {chosenCount > 0 ? (
        <View className='till-member-line'>
          <Text className='muted'>券抵扣（{chosenCount} 张，预估）</Text>
          <Text id='purchase-discount' className='coupon-off'>
            -{formatFen(discountFen)}
          </Text>
        </View>
      ) : null}
      <View id='purchase-amount-preview' className='till-member-line till-paid'>
        <Text>实付 </Text>
        <Text id='purchase-paid' className='till-big'>
          {formatFen(paidFen)}
        </Text>
      </View>
      <Text className='muted'>积分按实付金额计算</Text>
    </View>
  )
}
