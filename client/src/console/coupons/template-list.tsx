import type { ReactNode } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { CouponTemplateRow } from '../../../../types/coupons'
import { channelText, stockText, typeText, validityText } from './coupon-text'

/**
 * The templates: a card each on a phone, a table row each in a desktop window. Each row says what
 * the coupon is, its status, stock left of the total, how many were issued and used, and where it
 * can be had, with 编辑, 暂停 / 恢复 and 改库存.
 */
export default function TemplateList(props: {
  templates: CouponTemplateRow[]
  busy: Record<string, boolean>
  errors: Record<string, string>
  /** the row whose 改库存 form is open, and the form */
  stockFor: string | null
  stockForm: ReactNode
  onEdit: (t: CouponTemplateRow) => void
  onToggleStatus: (t: CouponTemplateRow) => void
  onStock: (t: CouponTemplateRow) => void
}) {
  return (
    <View id='coupons-table' className='ct-table'>
      <View className='ct-row ct-head'>
        <Text className='ct-cell ct-name'>券</Text>
        <Text className='ct-cell'>类型</Text>
        <Text className='ct-cell'>状态</Text>
        <Text className='ct-cell'>库存</Text>
        <Text className='ct-cell'>已发 / 已用</Text>
        <Text className='ct-cell'>渠道</Text>
        <Text className='ct-cell ct-actions'>操作</Text>
      </View>
      {props.templates.map(t => {
        const id = `coupons-row-${t.templateId}`
        const paused = t.status === 'paused'
        return (
          <View key={t.templateId} id={id} className={`ct-row ${paused ? 'ct-row-paused' : ''}`}>
            <View className='ct-cell ct-name'>
              <Text className='ct-title'>{t.name}</Text>
              <Text className='ct-sub'>
                {t.templateId} · {validityText(t)}
              </Text>
            </View>
            <Text id={`${id}-summary`} className='ct-cell'>
              {typeText(t.type)} · {t.summary}
            </Text>
            <View className='ct-cell'>
              <Text id={`${id}-status`} className={`ct-status ${paused ? 'ct-status-paused' : 'ct-status-active'}`}>
                {paused ? '已暂停' : '发放中'}
              </Text>
            </View>
            <Text id={`${id}-stock`} className='ct-cell'>
              {stockText(t)}
            </Text>
            <Text id={`${id}-counts`} className='ct-cell'>
              已发 {t.issued} · 已用 {t.used}
            </Text>
            <Text id={`${id}-channels`} className='ct-cell'>
              {t.channels.map(channelText).join('、')}
            </Text>
            <View className='ct-cell ct-actions'>
              <Button id={`${id}-edit`} className='ct-button' size='mini' onClick={() => props.onEdit(t)}>
                编辑
              </Button>
              <Button id={`${id}-toggle`} className='ct-button' size='mini' disabled={props.busy[t.templateId] || undefined} onClick={() => props.onToggleStatus(t)}>
                {paused ? '恢复' : '暂停'}
              </Button>
              <Button id={`${id}-stock-open`} className='ct-button' size='mini' onClick={() => props.onStock(t)}>
                改库存
              </Button>
            </View>
            {props.errors[t.templateId] ? (
              <Text id={`${id}-error`} className='error-text ct-row-error'>
                {props.errors[t.templateId]}
              </Text>
            ) : null}
            {props.stockFor === t.templateId ? <View className='ct-row-extra'>{props.stockForm}</View> : null}
          </View>
        )
      })}
    </View>
  )
}
