import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CareTaskView } from '../../../../types/care-tasks'
import { staffCareApi } from '../../services/staff-care'
import { PageError, PageLoading } from '../../components/page-state'
import { CARE_STATUS_TEXT, CARE_TEMPLATE_TEXT } from '../../utils/care-text'
import { shanghaiDateTimeText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import StaffDenied from '../components/denied'
import TabbedList from '../components/tabbed-list'
import { useStaffMe } from '../components/use-staff-me'
import { idPart, isDenied, tillErrorText } from '../till'
import '../staff.css'
import '../followups/index.css'

type Tab = 'todo' | 'done'
type Mark = 'sent' | 'replied' | 'skipped'
type Ready = { status: 'ready'; items: CareTaskView[] }

const LIMIT = 50

const TABS: ReadonlyArray<{ tab: Tab; label: string }> = [
  { tab: 'todo', label: '待跟进' },
  { tab: 'done', label: '已完成' },
]

const MARK_TEXT: Record<Mark, string> = { sent: '已发送', replied: '已回复', skipped: '跳过' }

/**
 * 关怀任务: the caller's one-to-one care tasks (birthday, churn risk, a low NPS score, a tier upgrade)
 * and their store's unassigned ones, with the suggested message to copy into WeCom or WeChat. 已发送 /
 * 已回复 / 跳过 record what happened (a store task becomes the marker's); replied and skipped ones move
 * to 已完成.
 */
export default function CareTasksPage() {
  const { me, setMe, loadMe } = useStaffMe({ keepOnError: true })
  const [tab, setTab] = useState<Tab>('todo')
  const listOptions = { denied: true, keepOnError: false, errorText: tillErrorText } as const
  const toReady = (data: { items: CareTaskView[] }): Ready => ({ status: 'ready', items: data.items })
  const todoList = usePageLoad(() => staffCareApi.myCareTasks('todo', LIMIT), toReady, listOptions)
  const doneList = usePageLoad(() => staffCareApi.myCareTasks('done', LIMIT), toReady, listOptions)
  const refreshTodo = todoList.refresh
  const refreshDone = doneList.refresh
  const [saving, setSaving] = useState<string | null>(null)
  const savingRef = useRef(false)
  const [markError, setMarkError] = useState<{ taskId: string; message: string } | null>(null)

  useEffect(() => {
    void (tab === 'todo' ? refreshTodo : refreshDone)(false)
  }, [tab, refreshTodo, refreshDone])

  const copy = async (t: CareTaskView) => {
    await Promise.resolve(Taro.setClipboardData({ data: t.message })).catch(() => undefined)
  }

  const mark = async (t: CareTaskView, m: Mark) => {
    if (savingRef.current) return
    savingRef.current = true
    setSaving(t.taskId)
    setMarkError(null)
    try {
      const res = await staffCareApi.markCareTask(t.taskId, m)
      if (!res.ok) {
        if (isDenied(res)) {
          setMe({ status: 'denied' })
          return
        }
        setMarkError({ taskId: t.taskId, message: tillErrorText(res) })
        // marked meanwhile by a colleague, or taken: the list is out of date
        if (res.code === 'FAILED_PRECONDITION' || res.code === 'NOT_FOUND') void refreshTodo(false)
        return
      }
      const task = res.data.task
      const others = (items: CareTaskView[]) => items.filter(i => i.taskId !== task.taskId)
      if (task.status === 'sent') todoList.update(l => ({ status: 'ready', items: l.items.map(i => (i.taskId === task.taskId ? task : i)) }))
      else {
        todoList.update(l => ({ status: 'ready', items: others(l.items) }))
        doneList.update(l => ({ status: 'ready', items: [task, ...others(l.items)] }))
      }
      void Taro.showToast({ title: `已标记${MARK_TEXT[m]}`, icon: 'success' })
    } catch (err) {
      setMarkError({ taskId: t.taskId, message: err instanceof Error && err.message ? err.message : '网络异常，请重试' })
    } finally {
      savingRef.current = false
      setSaving(null)
    }
  }

  const list = tab === 'todo' ? todoList.load : doneList.load
  if (me.status === 'denied' || list.status === 'denied') return <StaffDenied />
  if (me.status === 'loading') return <PageLoading id='care-loading' />
  if (me.status === 'error') return <PageError id='care-load-error' retryId='care-retry' message={me.message} onRetry={() => void loadMe()} />

  const marks = (t: CareTaskView): Mark[] => (t.status === 'open' ? ['sent', 'replied', 'skipped'] : t.status === 'sent' ? ['replied'] : [])

  const row = (t: CareTaskView) => {
    const key = idPart(t.taskId)
    const busy = saving === t.taskId
    return (
      <View key={t.taskId} id={`care-${key}`} className='followup-row'>
        <View className='today-row-line'>
          <Text className='followup-member'>
            {t.nickname || '会员'} <Text className='muted'>会员号 {t.memberNo}</Text>
          </Text>
          <Text id={`care-${key}-kind`} className='followup-score'>
            {t.kindLabel}
          </Text>
        </View>
        <View className='today-row-line'>
          <Text id={`care-${key}-reason`} className='muted'>
            {t.reason}
            {t.assigned === 'pool' ? ' · 门店待认领' : ''}
          </Text>
          <Text id={`care-${key}-status`} className='muted'>
            {CARE_STATUS_TEXT[t.status]}
            {t.bought ? ' · 7 天内已购买' : ''}
          </Text>
        </View>
        <View id={`care-${key}-message`} className='followup-comment'>
          {t.message}
        </View>
        {CARE_TEMPLATE_TEXT[t.template] ? (
          <View id={`care-${key}-template`} className='muted'>
            {CARE_TEMPLATE_TEXT[t.template]}
          </View>
        ) : null}
        <Text className='muted'>{shanghaiDateTimeText(t.createdAt)}</Text>
        {markError?.taskId === t.taskId ? (
          <View id={`care-${key}-error`} className='error-text refund-error'>
            {markError.message}
          </View>
        ) : null}
        <View className='refund-actions'>
          <Button id={`care-${key}-copy`} className='refund-cancel' size='mini' onClick={() => void copy(t)}>
            复制话术
          </Button>
          {marks(t).map(m => (
            <Button
              key={m}
              id={`care-${key}-${m}`}
              className={m === 'skipped' ? 'refund-cancel' : 'btn-primary followup-submit'}
              size='mini'
              disabled={busy || saving !== null || undefined}
              onClick={() => void mark(t, m)}
            >
              {MARK_TEXT[m]}
            </Button>
          ))}
        </View>
      </View>
    )
  }

  return (
    <View className='page'>
      <View id='care-store' className='card till-store'>
        <View>
          <Text className='till-section-title'>关怀任务</Text>
          <Text className='muted'>{me.me.storeName} · 生日、流失预警、低分评价和升级的会员，一对一问候</Text>
        </View>
      </View>
      <TabbedList
        idPrefix='care'
        tabs={TABS}
        tab={tab}
        onTab={t => {
          if (!savingRef.current) setTab(t)
        }}
        list={list}
        onRetry={() => void (tab === 'todo' ? refreshTodo : refreshDone)(false)}
        empty={tab === 'todo' ? '暂无待跟进的关怀任务' : '还没有完成的关怀任务'}
        row={row}
      />
    </View>
  )
}
