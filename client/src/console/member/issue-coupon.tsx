import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { consoleApi, type ConsoleCouponTemplate } from '../../services/console'
import { failText } from '../../services/errors'
import { newRequestId } from '../../utils/request-id'
import { errorOf } from './form-utils'

type Templates = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; templates: ConsoleCouponTemplate[] }

/** 发券: one coupon of a template (admin channel) to this member; the requestId is kept for a retry of the same choice. */
export default function IssueCouponForm({ memberNo, onDone, onCancel }: { memberNo: string; onDone: () => void; onCancel: () => void }) {
  const [templates, setTemplates] = useState<Templates>({ status: 'loading' })
  const [chosen, setChosen] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const requestId = useRef<{ templateId: string; id: string } | null>(null)

  const load = async () => {
    setTemplates({ status: 'loading' })
    try {
      const res = await consoleApi.listCouponTemplates()
      if (res.ok) setTemplates({ status: 'ready', templates: res.data.templates.filter(t => t.status === 'active' && t.channels.includes('admin')) })
      else setTemplates({ status: 'error', message: failText(res) })
    } catch (err) {
      setTemplates({ status: 'error', message: errorOf(err) })
    }
  }
  useEffect(() => {
    void load()
  }, [])

  const submit = async () => {
    if (!chosen) {
      setError('请选择要发的券')
      return
    }
    if (requestId.current?.templateId !== chosen) requestId.current = { templateId: chosen, id: newRequestId('issue') }
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.issueCoupon({ templateId: chosen, memberNo, requestId: requestId.current.id })
      if (!res.ok) {
        setError(failText(res))
        return
      }
      const a = res.data
      const reasons = Object.keys(a.skipped)
      if (a.issued > 0 || a.alreadyIssued > 0) {
        void Taro.showToast({ title: a.issued > 0 ? '已发券' : '该券已发过', icon: 'success' })
        requestId.current = null
        onDone()
      } else if (reasons.length) setError(`未发出：${reasons.join('；')}`)
      else setError('未发出，请稍后用同一选择重试')
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View id='m360-issue-form' className='m360-form'>
      {templates.status === 'loading' ? <Text className='muted'>加载券模板…</Text> : null}
      {templates.status === 'error' ? (
        <View>
          <Text className='error-text'>{templates.message}</Text>
          <Button id='m360-issue-retry' size='mini' onClick={() => void load()}>
            重试
          </Button>
        </View>
      ) : null}
      {templates.status === 'ready' && templates.templates.length === 0 ? <Text className='muted'>没有可后台发放的券模板</Text> : null}
      {templates.status === 'ready'
        ? templates.templates.map(t => (
            <View
              key={t.templateId}
              id={`m360-template-${t.templateId}`}
              className={`m360-template ${chosen === t.templateId ? 'm360-template-on' : ''}`}
              aria-selected={chosen === t.templateId ? 'true' : 'false'}
              onClick={() => {
                setChosen(t.templateId)
                setError('')
              }}
            >
              <Text>{t.name}</Text>
              <Text className='m360-item-sub'>
                {t.summary}
                {t.stock !== null ? ` · 剩余 ${t.stock} 张` : ''}
              </Text>
            </View>
          ))
        : null}
      {error ? (
        <Text id='m360-issue-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='m360-issue-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '发放中' : '确认发券'}
        </Button>
        <Button id='m360-issue-cancel' className='m360-action' size='mini' onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
