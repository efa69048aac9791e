import { Button, Input, Text, View } from '@tarojs/components'
import type { CouponView } from '../../../../types/coupons'
import CouponList from '../components/coupon-list'
import { scanQrCode } from '../components/member-identify'
import { COUPON_CODE_RE } from './write-off'
import '../staff.css'

interface Props {
  coupons: CouponView[]
  /** the coupon of the code shown, when it is in the list */
  listed: CouponView | null
  /** the code shown (the pending write-off's, or what was typed / tapped / scanned) */
  code: string
  /** the amount shown */
  amount: string
  orderFen: number | null
  /** a write-off is in doubt or under way: nothing can change */
  locked: boolean
  onTap: (c: CouponView) => void
  onCode: (value: string) => void
  /** a message for the page to show ('' clears it) */
  onError: (message: string) => void
  onAmount: (value: string) => void
}

/** 选择要核销的券 (tap one, type or scan its code) and 消费金额（选填）. */
export default function PickCoupon({ coupons, listed, code, amount, orderFen, locked, onTap, onCode, onError, onAmount }: Props) {
  const isH5 = process.env.TARO_ENV === 'h5'

  /** weapp: the camera reads the coupon's QR code into the code field */
  const scan = async () => {
    if (locked) return
    onError('')
    const res = await scanQrCode()
    if (!res.ok) {
      if (!res.cancelled) onError(`扫码失败${res.message ? `（${res.message}）` : ''}，可手动输入券码`)
      return
    }
    const value = res.text.replace(/\s+/g, '')
    if (!COUPON_CODE_RE.test(value)) {
      onError('券码为 12 位数字，请核对')
      return
    }
    onCode(value)
  }

  return (
    <>
      <View id='writeoff-coupons' className='card'>
        <Text className='till-section-title'>选择要核销的券</Text>
        {coupons.length === 0 ? (
          <Text id='writeoff-coupons-empty' className='muted'>
            该会员暂无可用的券，也可扫描或输入券码
          </Text>
        ) : (
          <CouponList coupons={coupons} selected={listed ? [listed.code] : []} orderFen={orderFen} locked={locked} idPrefix='writeoff-coupon' onTap={onTap} />
        )}
        <View className='till-field'>
          <Input
            id='writeoff-code-input'
            className='till-input'
            type={isH5 ? 'text' : 'number'}
            maxlength={16}
            placeholder='或输入 12 位券码'
            disabled={locked || undefined}
            value={code}
            onInput={e => onCode(e.detail.value)}
          />
          {!isH5 ? (
            <Button id='writeoff-code-scan' className='till-field-button' size='mini' disabled={locked || undefined} onClick={() => void scan()}>
              扫券码
            </Button>
          ) : null}
        </View>
        {listed ? (
          <Text id='writeoff-chosen' className='muted'>
            已选：{listed.name}（{listed.summary}）
          </Text>
        ) : null}
      </View>

      <View className='card'>
        <Text className='till-section-title'>消费金额（选填）</Text>
        <View className='till-field'>
          <Text>￥</Text>
          <Input id='writeoff-amount' className='till-input' type='digit' placeholder='有使用门槛的券需填写' disabled={locked || undefined} value={amount} onInput={e => onAmount(e.detail.value)} />
        </View>
        <Text className='muted'>满减、折扣等有门槛的券按此金额判断是否可用并计算抵扣</Text>
      </View>
    </>
  )
}
