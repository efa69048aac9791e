import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CampaignDryRun, CampaignSpec, CampaignStartAnswer, CampaignView } from '../../../../types/campaigns'
import type { Fail } from '../../../../types/result'
import { campaignsApi } from '../../services/console-campaigns'
import { errorOf } from '../member/form-utils'
import { Field, TextInput } from '../coupons/form-fields'
import CampaignChoices, { useCampaignChoices } from './choices'
import DryRunView from './dry-run'
import { emptyCampaignForm, errorsOfFail, sameSpec, toSpec, type CampaignErrors, type CampaignForm } from './form-model'

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

/**
 * 新建活动: a saved segment, a coupon template with the `admin` channel and/or a message, the holdout
 * share and the window → 试算 (startCampaign dryRun: the groups, the coupons it would issue and why
 * not to everyone) → 开始, allowed only for the spec just tried. A start that runs out of time answers
 * `starting`: 继续 sends the same spec again (nothing is issued twice).
 */
export default function CampaignCreate(props: { onStarted: (c: CampaignView) => void; onCancel: () => void; onDenied: () => void }) {
  const [form, setForm] = useState<CampaignForm>(emptyCampaignForm)
  const [errors, setErrors] = useState<CampaignErrors>({})
  const [dry, setDry] = useState<{ spec: CampaignSpec; result: CampaignDryRun } | null>(null)
  const [progress, setProgress] = useState<{ spec: CampaignSpec; answer: CampaignStartAnswer } | null>(null)
  const [busy, setBusy] = useState<'dry' | 'start' | null>(null)
  const choices = useCampaignChoices(props.onDenied)
  useEffect(() => setErrors({}), [form])
  const set = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) => setForm(f => ({ ...f, [key]: value }))

  const built = toSpec(form)
  const dryFits = !!dry && built.ok && sameSpec(dry.spec, built.spec)

  const refused = (res: Fail) => (DENIED.has(res.code) ? props.onDenied() : setErrors(errorsOfFail(res)))

  const tryRun = async () => {
    if (busy) return
    if (!built.ok) return setErrors(built.errors)
    const spec = built.spec
    setBusy('dry')
    try {
      const res = await campaignsApi.dryRun(spec)
      if (res.ok) setDry({ spec, result: res.data })
      else refused(res)
    } catch (err) {
      setErrors({ '': errorOf(err) })
    } finally {
      setBusy(null)
    }
  }

  const runStart = async (spec: CampaignSpec) => {
    setBusy('start')
    try {
      const res = await campaignsApi.start(spec)
      if (!res.ok) return refused(res)
      if (res.data.campaign.status === 'starting') setProgress({ spec, answer: res.data })
      else {
        void Taro.showToast({ title: '活动已开始', icon: 'success' })
        props.onStarted(res.data.campaign)
      }
    } catch (err) {
      setErrors({ '': `${errorOf(err)}；可用同样设置重试，不会重复发券` })
    } finally {
      setBusy(null)
    }
  }

  const start = async () => {
    if (busy || !built.ok) return
    if (!dry || !dryFits) return setErrors({ '': '设置已改动，请先重新试算' })
    const { treated } = dry.result
    const what = [built.spec.templateId ? '发券' : '', built.spec.message ? '发消息' : ''].filter(Boolean).join('并')
    const ok = await Taro.showModal({ title: dry.result.continuing ? '继续开始活动' : '开始活动', content: `将给 ${treated} 位触达会员${what}，开始后不能撤回。` })
    if (ok.confirm) await runStart(built.spec)
  }

  return (
    <View id='campaigns-form' className='card cf-form'>
      <Text className='m360-section-title'>新建活动</Text>
      <Field id='campaigns-form-campaignId' label='活动 ID' error={errors.campaignId} hint='2–40 位小写字母、数字、_ 或 -；同一 ID 再次开始即继续'>
        <TextInput id='campaigns-form-campaignId' value={form.campaignId} placeholder='如 winback-2026-12' onChange={v => set('campaignId', v)} />
      </Field>
      <Field id='campaigns-form-name' label='名称' error={errors.name}>
        <TextInput id='campaigns-form-name' value={form.name} placeholder='如 12 月沉睡唤醒' onChange={v => set('name', v)} />
      </Field>
      <CampaignChoices choices={choices} form={form} errors={errors} onChange={set} />
      <Field id='campaigns-form-message' label='消息' error={errors.message} hint='可不填；经「活动通知」订阅消息发给触达组（需先在提醒设置中启用）'>
        <TextInput id='campaigns-form-message' value={form.messageText} maxlength={20} placeholder='不超过 20 字，如 回归礼 20 元已到账' onChange={v => set('messageText', v)} />
      </Field>
      <Field id='campaigns-form-holdoutPercent' label='对照组 %' error={errors.holdoutPercent} hint='随机留出不发任何东西，用来衡量效果'>
        <TextInput id='campaigns-form-holdoutPercent' type='number' value={form.holdoutPercent} onChange={v => set('holdoutPercent', v)} />
      </Field>
      <Field id='campaigns-form-windowDays' label='观察天数' error={errors.windowDays}>
        <TextInput id='campaigns-form-windowDays' type='number' value={form.windowDays} onChange={v => set('windowDays', v)} />
      </Field>
      {dry && dryFits ? <DryRunView dry={dry.result} hasMessage={!!built.ok && !!built.spec.message} /> : null}
      {progress ? (
        <Text id='campaigns-progress' className='cp-note'>
          已发 {progress.answer.issued}，未发 {progress.answer.skipped}，待发 {progress.answer.pending}：本次未完成，请点「继续」。
        </Text>
      ) : null}
      {errors[''] ? (
        <Text id='campaigns-form-error' className='error-text'>
          {errors['']}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='campaigns-dry-run' className='m360-action' size='mini' disabled={busy !== null || undefined} onClick={() => void tryRun()}>
          {busy === 'dry' ? '试算中' : '试算'}
        </Button>
        {progress ? (
          <Button id='campaigns-continue' className='m360-action btn-primary' size='mini' disabled={busy !== null || undefined} onClick={() => void runStart(progress.spec)}>
            {busy === 'start' ? '发放中' : '继续'}
          </Button>
        ) : (
          <Button id='campaigns-start' className='m360-action btn-primary' size='mini' disabled={busy !== null || !dryFits || undefined} onClick={() => void start()}>
            {busy === 'start' ? '发放中' : dry?.result.continuing ? '继续开始' : '开始'}
          </Button>
        )}
        <Button id='campaigns-form-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
