import { Button, Input, Text, View } from '@tarojs/components'
import { formatFen } from '../../utils/money'
import { basketCharge, itemCount, lineFen, removeLine, setQuantity, type BasketLine } from '../basket'
import { idPart } from '../till'
import '../staff.css'

interface Props {
  lines: BasketLine[]
  /** the amount typed in 改价/优惠 (元); null: charged the lines' total */
  override: string | null
  /** a submission is in doubt or under way: the basket cannot change */
  locked: boolean
  onLines: (lines: BasketLine[]) => void
  onOverride: (value: string | null) => void
}

/**
 * 购物清单: each line with − / + and 删除, the total, and 改价/优惠 (the amount charged, at most the
 * total; the difference shown as 优惠). Nothing is shown while the basket is empty. Ids: `basket-…`.
 */
export default function Basket({ lines, override, locked, onLines, onOverride }: Props) {
  if (!lines.length) return null
  const charge = basketCharge(lines, override)
  const lineId = (l: BasketLine) => `basket-line-${idPart(l.productId)}`
  const change = (next: BasketLine[]) => {
    if (!locked) onLines(next)
  }

  return (
    <View id='basket' className='card'>
      <View className='till-store'>
        <Text className='till-section-title'>购物清单</Text>
        <Text id='basket-count' className='muted'>
          共 {itemCount(lines)} 件
        </Text>
      </View>
      {lines.map(l => (
        <View key={l.productId} id={lineId(l)} className='basket-line'>
          <View className='basket-line-main'>
            <Text className='basket-line-title'>{l.title}</Text>
            <Text className='muted'>{formatFen(l.priceFen)}</Text>
          </View>
          <View className='basket-qty'>
            <Button id={`${lineId(l)}-minus`} className='basket-qty-button' size='mini' disabled={locked || undefined} onClick={() => change(setQuantity(lines, l.productId, l.quantity - 1))}>
              −
            </Button>
            <Text id={`${lineId(l)}-qty`} className='basket-qty-value'>
              {l.quantity}
            </Text>
            <Button id={`${lineId(l)}-plus`} className='basket-qty-button' size='mini' disabled={locked || undefined} onClick={() => change(setQuantity(lines, l.productId, l.quantity + 1))}>
              +
            </Button>
          </View>
          <View className='basket-line-side'>
            <Text id={`${lineId(l)}-fen`}>{formatFen(lineFen(l))}</Text>
            <Text id={`${lineId(l)}-remove`} className='basket-remove' onClick={() => change(removeLine(lines, l.productId))}>
              删除
            </Text>
          </View>
        </View>
      ))}
      <View className='till-member-line'>
        <Text className='muted'>明细合计</Text>
        <Text id='basket-total'>{formatFen(charge.totalFen)}</Text>
      </View>
      {override === null ? (
        <Button id='basket-override' className='till-header-button basket-override' size='mini' disabled={locked || undefined} onClick={() => onOverride('')}>
          改价/优惠
        </Button>
      ) : (
        <View>
          <View className='till-field'>
            <Text className='refund-label'>实收 ￥</Text>
            <Input
              id='basket-override-input'
              className='till-input'
              type='digit'
              placeholder='不高于明细合计'
              disabled={locked || undefined}
              value={override}
              onInput={e => onOverride(e.detail.value)}
            />
            <Button id='basket-override-cancel' className='till-field-button' size='mini' disabled={locked || undefined} onClick={() => onOverride(null)}>
              取消改价
            </Button>
          </View>
          {charge.ok && charge.discountFen > 0 ? (
            <View className='till-member-line'>
              <Text className='muted'>实收 {formatFen(charge.amountFen)}</Text>
              <Text id='basket-discount' className='coupon-off'>
                优惠 {formatFen(charge.discountFen)}
              </Text>
            </View>
          ) : null}
          {!charge.ok ? (
            <Text id='basket-override-error' className='error-text'>
              {charge.message}
            </Text>
          ) : null}
        </View>
      )}
    </View>
  )
}
