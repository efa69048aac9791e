import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { CouponTemplateRow, CouponTemplateView } from '../../../../types/coupons'
import { couponsApi } from '../../services/console-coupons'
import { errorOf } from '../member/form-utils'
import { TextInput } from './form-fields'
import { errorsOfFail, formFromTemplate, toTemplateInput } from './form-model'

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

/**
 * 改库存: a new total stock for the template, sent as the whole template with only `totalStock`
 * changed (upsertCouponTemplate). What was issued stays: the stock left becomes total − issued, and
 * a total below what was issued is refused. Empty: unlimited.
 */
export default function StockForm(props: { template: CouponTemplateRow; onSaved: (t: CouponTemplateView) => void; onCancel: () => void; onDenied: () => void }) {
  const { template } = props
  const [total, setTotal] = useState(template.totalStock === null ? '' : String(template.totalStock))
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const id = `coupons-stock-${template.templateId}`

  const submit = async () => {
    if (busy) return
    const built = toTemplateInput({ ...formFromTemplate(template), totalStock: total })
    if (!built.ok) return setError(Object.values(built.errors).join('；'))
    setBusy(true)
    setError('')
    try {
      const res = await couponsApi.upsert(built.input)
      if (res.ok) props.onSaved(res.data.template)
      else if (DENIED.has(res.code)) props.onDenied()
      else setError(Object.values(errorsOfFail(res)).join('；'))
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View id={`${id}-form`} className='cf-stock-form'>
      <View className='m360-field'>
        <Text className='m360-field-label'>总库存</Text>
        <View className='m360-field-input'>
          <TextInput
            id={`${id}-total`}
            type='number'
            value={total}
            placeholder='不限'
            onChange={v => {
              setTotal(v)
              setError('')
            }}
          />
        </View>
      </View>
      <Text className='cf-hint'>已发放 {template.issued} 张：总库存不能少于它；留空为不限量。</Text>
      {error ? (
        <Text id={`${id}-error`} className='error-text cf-error'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id={`${id}-submit`} className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '保存中' : '保存库存'}
        </Button>
        <Button id={`${id}-cancel`} className='m360-action' size='mini' onClick={props.onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
