import { Text, View } from '@tarojs/components'
import type { CouponView } from '../../../../types/coupons'
import { lastValid, shanghaiDateTimeText } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { couponBlocker } from './coupon-rules'
import '../staff.css'

interface Props {
  coupons: CouponView[]
  /** selected codes */
  selected: string[]
  /** the order amount entered (null: none yet): coupons with a higher minimum spend are disabled */
  orderFen: number | null
  /** a submission is in doubt or under way: the selection cannot change */
  locked: boolean
  /** row ids: `<idPrefix>-<code>` */
  idPrefix: string
  /** the discount each selected coupon gives, by code (shown on the row) */
  discounts?: Record<string, number>
  onTap: (c: CouponView) => void
}

/** The member's coupons as tappable rows: selected ones checked, unusable ones disabled with the reason. */
export default function CouponList({ coupons, selected, orderFen, locked, idPrefix, discounts, onTap }: Props) {
  return (
    <View className='coupon-list'>
      {coupons.map(c => {
        const blocker = couponBlocker(c, orderFen)
        const on = selected.includes(c.code)
        const disabled = !!blocker || locked
        const off = discounts?.[c.code]
        return (
          <View
            key={c.code}
            id={`${idPrefix}-${c.code}`}
            className={`coupon-row${on ? ' coupon-row-on' : ''}${blocker ? ' coupon-row-disabled' : ''}`}
            aria-checked={on ? 'true' : 'false'}
            aria-disabled={disabled ? 'true' : 'false'}
            onClick={() => {
              if (!blocker && !locked) onTap(c)
            }}
          >
            <View className='coupon-main'>
              <Text className='coupon-name'>{c.name}</Text>
              <Text className='coupon-summary'>{c.summary}</Text>
              <Text className='muted'>
                {c.stackable ? '可叠加' : '不可叠加'} · 有效期至 {shanghaiDateTimeText(lastValid(c.validUntil))}
              </Text>
            </View>
            <View className='coupon-side'>
              {blocker ? (
                <Text id={`${idPrefix}-${c.code}-blocker`} className='coupon-blocker'>
                  {blocker}
                </Text>
              ) : (
                <Text className={`coupon-check${on ? ' coupon-check-on' : ''}`}>{on ? '✓' : ''}</Text>
              )}
              {on && off ? <Text className='coupon-off'>-{formatFen(off)}</Text> : null}
            </View>
          </View>
        )
      })}
    </View>
  )
}
