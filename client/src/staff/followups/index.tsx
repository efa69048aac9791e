import { useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { FollowUpView } from '../../../../types/nps'
import { staffApi } from '../../services/staff'
import { PageError, PageLoading } from '../../components/page-state'
import { shanghaiDateTimeText } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { usePageLoad } from '../../utils/use-page-load'
import StaffDenied from '../components/denied'
import TabbedList from '../components/tabbed-list'
import { useStaffMe } from '../components/use-staff-me'
import { idPart, isDenied, mayHaveHappened, tillErrorText } from '../till'
import { FOLLOW_UP_LIMIT } from './limits'
import '../staff.css'
import './index.css'

type Tab = 'open' | 'closed'

type Ready = { status: 'ready'; items: FollowUpView[] }

const TABS: ReadonlyArray<{ tab: Tab; label: string }> = [
  { tab: 'open', label: '待回访' },
  { tab: 'closed', label: '已完成' },
]

const NOTE_MIN = 2
const NOTE_MAX = 200

const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')

/**
 * 回访任务: members of this store who answered the NPS question with 0–6 (detractors). 待回访 lists
 * the open ones, newest first; 完成回访 closes one with a note of what the call or visit found, and
 * it moves to 已完成.
 */
export default function FollowUpsPage() {
  const { me, setMe, loadMe } = useStaffMe({ keepOnError: true })
  const [tab, setTab] = useState<Tab>('open')
  // one list per tab; what is shown stays while it refreshes, a failure replaces it
  const listOptions = { denied: true, keepOnError: false, errorText: tillErrorText } as const
  const toReady = (data: { items: FollowUpView[] }): Ready => ({ status: 'ready', items: data.items })
  const openList = usePageLoad(() => staffApi.followUps('open', FOLLOW_UP_LIMIT), toReady, listOptions)
  const closedList = usePageLoad(() => staffApi.followUps('closed', FOLLOW_UP_LIMIT), toReady, listOptions)
  const refreshOpen = openList.refresh
  const refreshClosed = closedList.refresh

  /** the follow-up whose note is being written (one at a time) */
  const [closing, setClosing] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [saving, setSaving] = useState(false)
  const savingRef = useRef(false)
  const [closeError, setCloseError] = useState('')

  useEffect(() => {
    void (tab === 'open' ? refreshOpen : refreshClosed)(false)
  }, [tab, refreshOpen, refreshClosed])

  const switchTo = (next: Tab) => {
    if (next === tab || savingRef.current) return
    setClosing(null)
    setNote('')
    setCloseError('')
    setTab(next)
  }

  const close = async (f: FollowUpView) => {
    if (savingRef.current) return
    const text = note.trim()
    if (text.length < NOTE_MIN) {
      setCloseError(`请写下回访结果（至少 ${NOTE_MIN} 个字）`)
      return
    }
    if (text.length > NOTE_MAX) {
      setCloseError(`回访结果最多 ${NOTE_MAX} 个字`)
      return
    }
    savingRef.current = true
    setSaving(true)
    setCloseError('')
    try {
      const res = await staffApi.closeFollowUp(f.followUpId, text)
      if (!res.ok) {
        if (isDenied(res)) {
          setMe({ status: 'denied' })
          return
        }
        setCloseError(mayHaveHappened(res) ? `${tillErrorText(res)}，可再次提交` : tillErrorText(res))
        // closed meanwhile (e.g. by a colleague): the list is out of date
        if (res.code === 'FAILED_PRECONDITION' || res.code === 'NOT_FOUND') void refreshOpen(false)
        return
      }
      const closed = res.data.followUp
      const others = (items: FollowUpView[]) => items.filter(i => i.followUpId !== closed.followUpId)
      openList.update(l => ({ status: 'ready', items: others(l.items) }))
      closedList.update(l => ({ status: 'ready', items: [closed, ...others(l.items)] }))
      setClosing(null)
      setNote('')
      void Taro.showToast({ title: '已完成回访', icon: 'success' })
    } catch (err) {
      setCloseError(`${errorOf(err)}，可再次提交`)
    } finally {
      savingRef.current = false
      setSaving(false)
    }
  }

  const list = tab === 'open' ? openList.load : closedList.load
  if (me.status === 'denied' || list.status === 'denied') return <StaffDenied />
  if (me.status === 'loading') return <PageLoading id='followups-loading' />
  if (me.status === 'error') {
    return <PageError id='followups-load-error' retryId='followups-retry' message={me.message} onRetry={() => void loadMe()} />
  }

  const openCount = openList.load.status === 'ready' ? openList.load.items.length : null

  const row = (f: FollowUpView) => {
    const key = idPart(f.followUpId)
    const open = closing === f.followUpId
    return (
      <View key={f.followUpId} id={`followup-${key}`} className='followup-row'>
        <View className='today-row-line'>
          <Text className='followup-member'>
            {f.nickname || '会员'} <Text className='muted'>会员号 {f.memberNo}</Text>
          </Text>
          <Text id={`followup-${key}-score`} className='followup-score'>
            {f.score} 分
          </Text>
        </View>
        <View id={`followup-${key}-comment`} className={f.comment ? 'followup-comment' : 'followup-comment muted'}>
          {f.comment || '未留言'}
        </View>
        <View className='today-row-line'>
          <Text className='muted'>消费 {formatFen(f.amountFen)}</Text>
          <Text className='muted'>{shanghaiDateTimeText(f.createdAt)}</Text>
        </View>
        {f.status === 'closed' ? (
          <View id={`followup-${key}-note`} className='refund-result followup-note'>
            <Text>回访结果：{f.note ?? ''}</Text>
            {f.closedAt ? <Text className='muted'>{shanghaiDateTimeText(f.closedAt)} 完成</Text> : null}
          </View>
        ) : open ? (
          <View className='refund-form refund-form-open'>
            <View className='refund-field'>
              <Text className='refund-label followup-note-label'>回访结果</Text>
              <Input
                id={`followup-${key}-input`}
                className='refund-input'
                maxlength={NOTE_MAX}
                placeholder='必填，如：已电话致歉，赠送饮品券'
                disabled={saving || undefined}
                value={note}
                onInput={e => {
                  setNote(e.detail.value)
                  setCloseError('')
                }}
              />
            </View>
            {closeError ? (
              <View id={`followup-${key}-error`} className='error-text refund-error'>
                {closeError}
              </View>
            ) : null}
            <View className='refund-actions'>
              <Button
                id={`followup-${key}-cancel`}
                className='refund-cancel'
                size='mini'
                disabled={saving || undefined}
                onClick={() => {
                  if (savingRef.current) return
                  setClosing(null)
                  setNote('')
                  setCloseError('')
                }}
              >
                取消
              </Button>
              <Button id={`followup-${key}-submit`} className='btn-primary followup-submit' size='mini' disabled={saving || undefined} onClick={() => void close(f)}>
                {saving ? '提交中…' : '确认完成'}
              </Button>
            </View>
          </View>
        ) : (
          <View className='refund-form'>
            <Button
              id={`followup-${key}-close`}
              className='refund-open'
              size='mini'
              disabled={saving || undefined}
              onClick={() => {
                if (savingRef.current) return
                setClosing(f.followUpId)
                setNote('')
                setCloseError('')
              }}
            >
              完成回访
            </Button>
          </View>
        )}
      </View>
    )
  }

  return (
    <View className='page'>
      <View id='followups-store' className='card till-store'>
        <View>
          <Text className='till-section-title'>回访任务</Text>
          <Text className='muted'>{me.me.storeName} · 评分 0–6 分的会员，请尽快联系</Text>
        </View>
      </View>

      <TabbedList
        idPrefix='followups'
        tabs={TABS.map(t => ({
          tab: t.tab,
          label: `${t.label}${t.tab === 'open' && openCount ? `（${openCount >= FOLLOW_UP_LIMIT ? `${FOLLOW_UP_LIMIT - 1}+` : openCount}）` : ''}`,
        }))}
        tab={tab}
        onTab={switchTo}
        list={list}
        onRetry={() => void (tab === 'open' ? refreshOpen : refreshClosed)(false)}
        empty={tab === 'open' ? '暂无待回访的会员' : '还没有完成的回访'}
        row={row}
      />
    </View>
  )
}
