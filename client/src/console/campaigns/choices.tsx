import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { CouponTemplateRow } from '../../../../types/coupons'
import { campaignsApi, type SegmentChoice } from '../../services/console-campaigns'
import { failText } from '../../services/errors'
import { errorOf } from '../member/form-utils'
import { Field } from '../coupons/form-fields'
import { stockText } from '../coupons/coupon-text'
import type { CampaignErrors, CampaignForm } from './form-model'

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

export type Choices = { status: 'loading' } | { status: 'error'; message: string; retry: () => void } | { status: 'ready'; segments: SegmentChoice[]; templates: CouponTemplateRow[] }

/** The saved segments and the templates a campaign may give (active, with the `admin` channel). */
export function useCampaignChoices(onDenied: () => void): Choices {
  const [choices, setChoices] = useState<Choices>({ status: 'loading' })
  const load = useCallback(async () => {
    setChoices({ status: 'loading' })
    try {
      const [segments, templates] = await Promise.all([campaignsApi.segments(), campaignsApi.templates()])
      if (!segments.ok || !templates.ok) {
        const fail = !segments.ok ? segments : !templates.ok ? templates : null
        if (fail && DENIED.has(fail.code)) return onDenied()
        return setChoices({ status: 'error', message: fail ? failText(fail) : '加载失败', retry: () => void load() })
      }
      setChoices({ status: 'ready', segments: segments.data.segments, templates: templates.data.templates.filter(t => t.status === 'active' && t.channels.includes('admin')) })
    } catch (err) {
      setChoices({ status: 'error', message: errorOf(err), retry: () => void load() })
    }
  }, [onDenied])
  useEffect(() => {
    void load()
    // loaded once per form
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  return choices
}

/** 人群 and 券 as choices (one of each; 不发券 for a message-only campaign). */
export default function CampaignChoices(props: { choices: Choices; form: CampaignForm; errors: CampaignErrors; onChange: <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) => void }) {
  const { choices, form, errors } = props
  if (choices.status === 'loading') return <Text className='muted'>加载人群和券…</Text>
  if (choices.status === 'error')
    return (
      <View id='campaigns-choices-error'>
        <Text className='error-text'>{choices.message}</Text>
        <Button id='campaigns-choices-retry' size='mini' onClick={choices.retry}>
          重试
        </Button>
      </View>
    )
  const option = (id: string, on: boolean, title: string, sub: string, pick: () => void) => (
    <View key={id} id={id} className={`m360-template ${on ? 'm360-template-on' : ''}`} aria-selected={on ? 'true' : 'false'} onClick={pick}>
      <Text>{title}</Text>
      {sub ? <Text className='m360-item-sub'>{sub}</Text> : null}
    </View>
  )
  return (
    <View>
      <Field id='campaigns-form-segmentId' label='人群' error={errors.segmentId} hint={choices.segments.length ? '开始时按人群当时的会员快照' : '还没有保存的人群：请先在「人群」中保存一个'}>
        <View id='campaigns-form-segments' className='cp-options'>
          {choices.segments.map(s => option(`campaigns-form-segment-${s.segmentId}`, form.segmentId === s.segmentId, s.name, s.segmentId, () => props.onChange('segmentId', s.segmentId)))}
        </View>
      </Field>
      <Field id='campaigns-form-templateId' label='券' error={errors.templateId} hint='只列出启用中、可「后台发放」的券'>
        <View id='campaigns-form-templates' className='cp-options'>
          {option('campaigns-form-template-none', form.templateId === '', '不发券', '只发消息', () => props.onChange('templateId', ''))}
          {choices.templates.map(t =>
            option(`campaigns-form-template-${t.templateId}`, form.templateId === t.templateId, t.name, `${t.summary} · ${stockText(t)}`, () => props.onChange('templateId', t.templateId)),
          )}
        </View>
      </Field>
    </View>
  )
}
