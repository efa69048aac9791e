import { useState } from 'react'
import { Button, Picker, Switch, Text, View } from '@tarojs/components'
import type { CouponTemplateRow, CouponTemplateView } from '../../../../types/coupons'
import { couponsApi } from '../../services/console-coupons'
import { errorOf } from '../member/form-utils'
import { Chips, Field, TextInput } from './form-fields'
import { AUDIENCE_OPTIONS, CHANNEL_OPTIONS, TYPE_OPTIONS } from './coupon-text'
import { emptyForm, errorsOfFail, formFromTemplate, toTemplateInput, usesMinSpend, usesValue, type CouponForm, type FieldErrors } from './form-model'

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

/**
 * 新建 / 编辑 a template (`upsertCouponTemplate` replaces its terms; coupons already issued keep
 * theirs). Errors show next to their field: the client's format checks first, then the function's
 * (schema issues by path, and a total stock below what was issued).
 */
export default function TemplateForm(props: { editing: CouponTemplateRow | null; onSaved: (t: CouponTemplateView, created: boolean) => void; onCancel: () => void; onDenied: () => void }) {
  const { editing } = props
  const [form, setForm] = useState<CouponForm>(() => (editing ? formFromTemplate(editing) : emptyForm()))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof CouponForm>(key: K, value: CouponForm[K]) => setForm(f => ({ ...f, [key]: value }))

  const submit = async () => {
    if (busy) return
    const built = toTemplateInput(form)
    if (!built.ok) return setErrors(built.errors)
    setBusy(true)
    setErrors({})
    try {
      const res = await couponsApi.upsert(built.input)
      if (res.ok) props.onSaved(res.data.template, res.data.created)
      else if (DENIED.has(res.code)) props.onDenied()
      else setErrors(errorsOfFail(res))
    } catch (err) {
      setErrors({ '': errorOf(err) })
    } finally {
      setBusy(false)
    }
  }

  const stockHint = editing ? `已发放 ${editing.issued} 张；留空为不限量。改后剩余 = 总库存 − 已发放，总库存不能少于 ${editing.issued}` : '留空为不限量；剩余 = 总库存 − 已发放'
  return (
    <View id='coupons-form' className='card cf-form'>
      <Text className='m360-section-title'>{editing ? `编辑：${editing.name}` : '新建券模板'}</Text>
      <Field id='coupons-form-templateId' label='模板 ID' error={errors.templateId} hint={editing ? '模板 ID 不能修改' : '2–40 位小写字母、数字、_ 或 -'}>
        <TextInput id='coupons-form-templateId' value={form.templateId} disabled={!!editing} placeholder='如 full-100-20' onChange={v => set('templateId', v)} />
      </Field>
      <Field id='coupons-form-name' label='名称' error={errors.name}>
        <TextInput id='coupons-form-name' value={form.name} maxlength={30} placeholder='如 满100减20' onChange={v => set('name', v)} />
      </Field>
      <Field id='coupons-form-type' label='类型' error={errors.type}>
        <Chips id='coupons-form-type' options={TYPE_OPTIONS} selected={[form.type]} onToggle={v => set('type', v)} />
      </Field>
      {usesValue(form.type) ? (
        <Field id='coupons-form-valueFen' label='面额（元）' error={errors.valueFen}>
          <TextInput id='coupons-form-valueFen' type='digit' value={form.value} placeholder='如 20' onChange={v => set('value', v)} />
        </Field>
      ) : null}
      {form.type === 'percent' ? (
        <View>
          <Field id='coupons-form-percentOff' label='折扣（折）' error={errors.percentOff}>
            <TextInput id='coupons-form-percentOff' type='digit' value={form.discount} placeholder='如 8.5' onChange={v => set('discount', v)} />
          </Field>
          <Field id='coupons-form-capFen' label='最高减（元）' error={errors.capFen} hint='可不填'>
            <TextInput id='coupons-form-capFen' type='digit' value={form.cap} onChange={v => set('cap', v)} />
          </Field>
        </View>
      ) : null}
      {usesMinSpend(form.type) ? (
        <Field id='coupons-form-minSpendFen' label='门槛：满（元）' error={errors.minSpendFen} hint={form.type === 'threshold' ? '满减券的门槛必须大于面额' : '不填为无门槛'}>
          <TextInput id='coupons-form-minSpendFen' type='digit' value={form.minSpend} placeholder='如 100' onChange={v => set('minSpend', v)} />
        </Field>
      ) : null}
      {form.type === 'gift' ? (
        <Field id='coupons-form-giftName' label='礼品' error={errors.giftName}>
          <TextInput id='coupons-form-giftName' value={form.giftName} maxlength={30} placeholder='如 帆布袋' onChange={v => set('giftName', v)} />
        </Field>
      ) : null}
      <Field id='coupons-form-validity' label='有效期' error={errors.validity}>
        <Chips
          id='coupons-form-validity-kind'
          options={[
            { value: 'relative', label: '领取后 N 天' },
            { value: 'fixed', label: '固定日期' },
          ]}
          selected={[form.validityKind]}
          onToggle={v => set('validityKind', v as CouponForm['validityKind'])}
        />
        {form.validityKind === 'relative' ? (
          <TextInput id='coupons-form-days' type='number' value={form.days} placeholder='天数 1–3650' onChange={v => set('days', v)} />
        ) : (
          <View className='cf-dates'>
            <Picker id='coupons-form-start' mode='date' value={form.start} onChange={e => set('start', String(e.detail.value))}>
              <Text className='cf-picker'>{form.start || '开始日期'}</Text>
            </Picker>
            <Text className='muted'> 至 </Text>
            <Picker id='coupons-form-end' mode='date' value={form.end} onChange={e => set('end', String(e.detail.value))}>
              <Text className='cf-picker'>{form.end || '结束日期'}</Text>
            </Picker>
          </View>
        )}
      </Field>
      <Field id='coupons-form-totalStock' label='总库存' error={errors.totalStock} hint={stockHint}>
        <TextInput id='coupons-form-totalStock' type='number' value={form.totalStock} placeholder='不限' onChange={v => set('totalStock', v)} />
      </Field>
      <Field id='coupons-form-perMemberLimit' label='每人限领' error={errors.perMemberLimit}>
        <TextInput id='coupons-form-perMemberLimit' type='number' value={form.perMemberLimit} onChange={v => set('perMemberLimit', v)} />
      </Field>
      <Field id='coupons-form-audience' label='适用会员' error={errors.audience}>
        <Chips id='coupons-form-audience-kind' options={AUDIENCE_OPTIONS} selected={[form.audienceKind]} onToggle={v => set('audienceKind', v)} />
        {form.audienceKind !== 'all' ? (
          <TextInput
            id='coupons-form-audience-value'
            value={form.audienceValue}
            maxlength={400}
            placeholder={AUDIENCE_OPTIONS.find(o => o.value === form.audienceKind)?.placeholder}
            onChange={v => set('audienceValue', v)}
          />
        ) : null}
      </Field>
      <Field id='coupons-form-channels' label='发放渠道' error={errors.channels} hint='活动发券需要「后台发放」'>
        <Chips
          id='coupons-form-channels'
          options={CHANNEL_OPTIONS}
          selected={form.channels}
          onToggle={v => set('channels', form.channels.includes(v) ? form.channels.filter(c => c !== v) : [...form.channels, v])}
        />
      </Field>
      {form.channels.includes('points_mall') ? (
        <Field id='coupons-form-pointsPrice' label='兑换积分' error={errors.pointsPrice}>
          <TextInput id='coupons-form-pointsPrice' type='number' value={form.pointsPrice} placeholder='如 500' onChange={v => set('pointsPrice', v)} />
        </Field>
      ) : null}
      <Field id='coupons-form-stackable' label='可叠加' error={errors.stackable}>
        <Switch id='coupons-form-stackable' checked={form.stackable} onChange={e => set('stackable', !!e.detail.value)} />
      </Field>
      <Field id='coupons-form-description' label='说明' error={errors.description}>
        <TextInput id='coupons-form-description' value={form.description} maxlength={200} placeholder='可不填' onChange={v => set('description', v)} />
      </Field>
      {errors[''] ? (
        <Text id='coupons-form-error' className='error-text'>
          {errors['']}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='coupons-form-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '保存中' : '保存'}
        </Button>
        <Button id='coupons-form-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
