import { Input, Text, View } from '@tarojs/components'
import '../staff.css'

interface Props {
  value: string
  /** a submission is in doubt or under way */
  locked: boolean
  /** no valid amount yet: say what to type */
  showHint: boolean
  onInput: (value: string) => void
}

/** 订单金额 typed in 元: the till without products (the basket is empty). Ids: `purchase-amount`, `purchase-amount-preview`. */
export default function AmountEntry({ value, locked, showHint, onInput }: Props) {
  return (
    <View className='card'>
      <Text className='till-section-title'>订单金额</Text>
      <View className='till-field'>
        <Text className='till-big'>￥</Text>
        <Input id='purchase-amount' className='till-input till-big' type='digit' placeholder='0.00' disabled={locked || undefined} value={value} onInput={e => onInput(e.detail.value)} />
      </View>
      {showHint ? (
        <Text id='purchase-amount-preview' className='muted'>
          请输入用券前的订单金额，最多两位小数
        </Text>
      ) : null}
    </View>
  )
}
