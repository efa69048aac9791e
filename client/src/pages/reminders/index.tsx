import { useRef, useState } from 'react'
import { Button, Switch, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { ReminderKind, ReminderPreferenceView, ReminderPreferencesView } from '../../../../types/reminders'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { askForReminders, canAskForReminders, rememberReminderView } from '../../utils/subscribe'
import { usePageLoad, type PageLoad } from '../../utils/use-page-load'
import { PageError, PageLoading } from '../../components/page-state'
import './index.css'

type Ready = { status: 'ready'; view: ReminderPreferencesView }

/** A blocker that a subscription removes (e.g. 需要先订阅一次), unlike 已关闭 or 暂未开放. */
const needsSubscribing = (item: ReminderPreferenceView) => !item.canSend && !!item.blocker && item.blocker.includes('订阅')

const withOn = (view: ReminderPreferencesView, kind: ReminderKind, on: boolean): ReminderPreferencesView => ({
  ...view,
  items: view.items.map(i => (i.kind === kind ? { ...i, on } : i)),
})

/**
 * 提醒设置: each reminder kind with a switch (saved at once, shown optimistically and put back if
 * saving fails), why it cannot be sent yet, and on weapp a 订阅 button that opens WeChat's
 * subscribe dialog (one 允许 = one reminder).
 */
export default function RemindersPage() {
  const [saving, setSaving] = useState<Partial<Record<ReminderKind, boolean>>>({})
  const [error, setError] = useState('')
  const savingRef = useRef(new Set<ReminderKind>())
  const weapp = canAskForReminders()

  /** The server's view, keeping what the member just switched while that is still being saved. */
  const merged = (view: ReminderPreferencesView, shown: PageLoad<Ready>): Ready => {
    rememberReminderView(view)
    if (shown.status !== 'ready' || savingRef.current.size === 0) return { status: 'ready', view }
    const mine = new Map(shown.view.items.map(i => [i.kind, i.on]))
    return {
      status: 'ready',
      view: { ...view, items: view.items.map(i => (savingRef.current.has(i.kind) && mine.has(i.kind) ? { ...i, on: mine.get(i.kind)! } : i)) },
    }
  }
  const { load, setLoad, refresh: fetchView, seq } = usePageLoad(() => memberApi.reminderPreferences(), merged)
  const show = (view: ReminderPreferencesView) => setLoad(shown => merged(view, shown))

  useDidShow(() => {
    void fetchView(false)
  })

  const setSavingFor = (kind: ReminderKind, on: boolean) => {
    if (on) savingRef.current.add(kind)
    else savingRef.current.delete(kind)
    setSaving(prev => ({ ...prev, [kind]: on }))
  }

  const toggle = async (kind: ReminderKind, on: boolean) => {
    if (load.status !== 'ready' || savingRef.current.has(kind)) return
    const before = load.view.items.find(i => i.kind === kind)
    if (!before || before.on === on) return
    const rollback = (message: string) => {
      setLoad(l => (l.status === 'ready' ? { status: 'ready', view: withOn(l.view, kind, before.on) } : l))
      setError(message)
      void Taro.showToast({ title: message, icon: 'none' })
    }
    seq.current++ // a list request still in flight must not overwrite the switch
    setSavingFor(kind, true)
    setError('')
    setLoad(l => (l.status === 'ready' ? { status: 'ready', view: withOn(l.view, kind, on) } : l))
    try {
      const res = await memberApi.setReminderPreference(kind, on)
      setSavingFor(kind, false)
      if (res.ok) show(res.data)
      else rollback(`设置失败：${failText(res)}`)
    } catch (err) {
      setSavingFor(kind, false)
      rollback(err instanceof Error && err.message ? `设置失败：${err.message}` : '设置失败，请重试')
    }
  }

  /** The tap on 订阅: the dialog is requested synchronously here (utils/subscribe.ts). */
  const subscribe = () => {
    if (load.status !== 'ready') return
    void askForReminders(load.view.askTemplateIds, show)
  }

  if (load.status === 'loading') return <PageLoading id='reminders-loading' />
  if (load.status === 'error') {
    return <PageError id='reminders-error' retryId='reminders-retry' message={load.message} onRetry={() => void fetchView(false)} />
  }

  const { items, askTemplateIds } = load.view
  const canSubscribe = weapp && askTemplateIds.length > 0

  return (
    <View className='page'>
      <View className='reminders-intro muted'>提醒通过微信订阅消息发送：每次在微信弹窗中点“允许”，可收到一条对应的提醒，之后需要再次订阅。</View>
      <View className='card reminders-list'>
        {items.map(item => (
          <View key={item.kind} id={`reminder-${item.kind}`} className='reminder-item' data-on={item.on ? 'true' : 'false'}>
            <View className='reminder-main'>
              <View className='reminder-title'>
                <Text className='reminder-label'>{item.label}</Text>
                {item.marketing ? (
                  <Text id={`reminder-marketing-${item.kind}`} className='reminder-tag'>
                    营销消息
                  </Text>
                ) : null}
              </View>
              <Text className='muted reminder-desc'>{item.description}</Text>
              {!item.canSend && item.blocker ? (
                <View className='reminder-blocker-row'>
                  <Text id={`reminder-blocker-${item.kind}`} className='reminder-blocker'>
                    {item.blocker}
                    {needsSubscribing(item) && !weapp ? '（请在微信小程序中订阅）' : ''}
                  </Text>
                  {needsSubscribing(item) && canSubscribe ? (
                    <Button id={`reminder-subscribe-${item.kind}`} className='btn-primary reminder-subscribe' size='mini' onClick={subscribe}>
                      订阅
                    </Button>
                  ) : null}
                </View>
              ) : null}
            </View>
            <Switch
              id={`reminder-switch-${item.kind}`}
              className='reminder-switch'
              checked={item.on}
              disabled={!!saving[item.kind] || undefined}
              color='#b8860b'
              onChange={e => void toggle(item.kind, !!e.detail.value)}
            />
          </View>
        ))}
      </View>
      {error ? (
        <View id='reminders-save-error' className='error-text reminders-error'>
          {error}
        </View>
      ) : null}
      {items.some(i => i.marketing) ? (
        <View id='reminders-marketing-note' className='muted reminders-note'>
          标有“营销消息”的是营销类提醒（
          {items
            .filter(i => i.marketing)
            .map(i => i.label)
            .join('、')}
          ），可随时在这里关闭。
        </View>
      ) : null}
    </View>
  )
}
