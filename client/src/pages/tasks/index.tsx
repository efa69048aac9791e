import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useShareAppMessage } from '@tarojs/taro'
import type { InviteSummary, InviteeView, Reward, TaskId, TaskView } from '../../../../types/tasks'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { shanghaiDateText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import { PageError, PageLoading } from '../../components/page-state'
import { CONSENT_NEEDED_TEXT, PrivacyConsent, requirePrivacyConsent } from '../../components/privacy-consent'
import './index.css'

type Ready<T> = { status: 'ready'; data: T }

type Outcome = { kind: 'error'; text: string } | { kind: 'done'; text: string }

const INVITEE_STATUS_TEXT: Record<InviteeView['status'], string> = {
  joined: '已注册',
  rewarded: '已奖励',
  over_cap: '超出本月上限',
}

/** Where a task that is not done yet gets done. */
const TASK_LINKS: Record<TaskId, { url: string; text: string }> = {
  complete_profile: { url: '/pages/profile/index', text: '去完善' },
  bind_phone: { url: '/pages/phone/index', text: '去绑定' },
  first_checkin: { url: '/pages/checkin/index', text: '去签到' },
  first_purchase: { url: '/pages/code/index', text: '出示会员码' },
}

const HOME = '/pages/index/index'

/** "100 积分", "50 积分 + 优惠券", "优惠券". */
function rewardText(r: Reward): string {
  const parts: string[] = []
  if (r.points > 0) parts.push(`${r.points} 积分`)
  if (r.couponTemplateId) parts.push('优惠券')
  return parts.join(' + ') || '无'
}

function shareTitle(invites: InviteSummary | null): string {
  const gift = invites ? rewardText(invites.reward.invitee) : ''
  return gift && gift !== '无' ? `送你 ${gift}，一起来当会员` : '邀请你一起来当会员'
}

/**
 * 任务: one-time tasks with their progress and 领取奖励 once done. 邀请有礼: the member's invite
 * code, what both sides get, a share card whose path (from member.myInvites) carries the invite
 * code, and the friends who joined through it.
 */
export default function TasksPage() {
  // each part shows as soon as it arrives; a failed refresh keeps what is on screen
  const invitesRef = useRef<InviteSummary | null>(null)
  const {
    load: tasks,
    refresh: refreshTasks,
    update: updateTasks,
  } = usePageLoad(
    () => memberApi.tasks(),
    (data): Ready<TaskView[]> => ({ status: 'ready', data: data.tasks }),
  )
  const { load: invites, refresh: refreshInvites } = usePageLoad(
    () => memberApi.myInvites(),
    (data): Ready<InviteSummary> => ({ status: 'ready', data }),
    {
      onLoaded: data => (invitesRef.current = data),
    },
  )
  const [claiming, setClaiming] = useState<TaskId | null>(null)
  const [outcomes, setOutcomes] = useState<Partial<Record<TaskId, Outcome>>>({})
  const claimingRef = useRef(false)

  const fetchAll = () => {
    if (needsSignIn()) {
      // once for both parts
      redirectToSignIn()
      return
    }
    void refreshTasks(false)
    void refreshInvites(false)
  }

  useDidShow(fetchAll)

  // the share card (邀请好友 button or the menu): its path carries this member's invite code
  useShareAppMessage(() => {
    const summary = invitesRef.current
    return { title: shareTitle(summary), path: summary?.sharePath || HOME }
  })

  const claimReward = async (task: TaskView) => {
    // H5's Button still fires onClick while disabled: one claim at a time
    if (claimingRef.current) return
    claimingRef.current = true
    setClaiming(task.taskId)
    setOutcomes(prev => {
      const next = { ...prev }
      delete next[task.taskId]
      return next
    })
    let outcome: Outcome
    try {
      const res = await memberApi.claimTaskReward(task.taskId)
      if (res.ok) {
        const { task: updated, pointsAwarded, coupon, balance } = res.data
        updateTasks(shown => ({ status: 'ready', data: shown.data.map(t => (t.taskId === updated.taskId ? updated : t)) }))
        const got = [pointsAwarded > 0 ? `${pointsAwarded} 积分` : '', coupon ? `「${coupon.name}」` : ''].filter(Boolean).join(' 和 ')
        outcome = { kind: 'done', text: `已领取${got ? ` ${got}` : ''}，当前积分 ${balance}` }
        void Taro.showToast({ title: pointsAwarded > 0 ? `+${pointsAwarded} 积分` : '领取成功', icon: 'success' })
      } else {
        outcome = { kind: 'error', text: res.code === 'FAILED_PRECONDITION' ? `还不能领取：${res.message || '任务尚未完成'}` : failText(res) }
        if (res.code === 'FAILED_PRECONDITION' || res.code === 'ALREADY_EXISTS') fetchAll()
      }
    } catch (err) {
      outcome = { kind: 'error', text: err instanceof Error ? `领取失败：${err.message}` : '领取失败，请重试' }
    } finally {
      claimingRef.current = false
      setClaiming(null)
    }
    setOutcomes(prev => ({ ...prev, [task.taskId]: outcome }))
  }

  if (tasks.status === 'loading' && invites.status === 'loading') return <PageLoading id='tasks-loading' />
  if (tasks.status === 'error' && invites.status === 'error') {
    return <PageError id='tasks-error' retryId='tasks-retry' message={tasks.message} onRetry={fetchAll} />
  }

  return (
    <View className='page'>
      <View id='tasks-card' className='card'>
        <Text className='tasks-title'>任务</Text>
        {tasks.status === 'error' ? (
          <View id='tasks-list-error' className='error-text tasks-inline-error'>
            {tasks.message}
          </View>
        ) : null}
        {tasks.status === 'ready' && tasks.data.length === 0 ? (
          <View id='tasks-empty' className='muted tasks-inline-error'>
            暂时没有任务
          </View>
        ) : null}
        {tasks.status === 'ready'
          ? tasks.data.map(task => {
              const outcome = outcomes[task.taskId]
              const link = TASK_LINKS[task.taskId]
              return (
                <View key={task.taskId} id={`task-${task.taskId}`} className='task-row' data-done={task.done ? 'true' : 'false'} data-rewarded={task.rewarded ? 'true' : 'false'}>
                  <View className='task-main'>
                    <Text className='task-title'>{task.title}</Text>
                    <Text className='task-reward'>奖励 {rewardText(task.reward)}</Text>
                    {!task.done && task.progress ? <Text className='muted task-progress'>{task.progress}</Text> : null}
                    {outcome ? (
                      <Text id={`task-message-${task.taskId}`} className={outcome.kind === 'error' ? 'error-text task-message' : 'task-message task-message-done'}>
                        {outcome.text}
                      </Text>
                    ) : null}
                  </View>
                  <View className='task-side'>
                    {task.rewarded ? (
                      <Text className='muted task-state'>已领取</Text>
                    ) : task.done ? (
                      <Button id={`task-claim-${task.taskId}`} className='btn-primary task-button' size='mini' disabled={claiming !== null || undefined} onClick={() => void claimReward(task)}>
                        {claiming === task.taskId ? '领取中…' : '领取奖励'}
                      </Button>
                    ) : (
                      <Button id={`task-go-${task.taskId}`} className='task-button' size='mini' onClick={() => void Taro.navigateTo({ url: link.url })}>
                        {link.text}
                      </Button>
                    )}
                  </View>
                </View>
              )
            })
          : null}
        {tasks.status === 'loading' ? <View className='muted tasks-inline-error'>加载中…</View> : null}
      </View>

      <View id='invite-card' className='card invite-card'>
        <Text className='tasks-title'>邀请有礼</Text>
        {invites.status === 'loading' ? <View className='muted'>加载中…</View> : null}
        {invites.status === 'error' ? (
          <View id='invite-error' className='error-text tasks-inline-error'>
            {invites.message}
          </View>
        ) : null}
        {invites.status === 'ready' ? <InviteBody summary={invites.data} /> : null}
      </View>
      <PrivacyConsent />
    </View>
  )
}

/** 复制 the invite code: the clipboard is a privacy API, so the member's consent comes first. */
async function copyInviteCode(code: string): Promise<void> {
  if (!(await requirePrivacyConsent())) {
    void Taro.showToast({ title: CONSENT_NEEDED_TEXT, icon: 'none' })
    return
  }
  await Promise.resolve(Taro.setClipboardData({ data: code })).catch(() => {})
}

function InviteBody({ summary }: { summary: InviteSummary }) {
  const { reward } = summary
  return (
    <View>
      <View id='invite-rewards' className='invite-rewards'>
        <View className='invite-reward'>
          <Text className='muted'>你得</Text>
          <Text id='invite-reward-inviter' className='invite-reward-value'>
            {rewardText(reward.inviter)}
          </Text>
        </View>
        <View className='invite-reward'>
          <Text className='muted'>好友得</Text>
          <Text id='invite-reward-invitee' className='invite-reward-value'>
            {rewardText(reward.invitee)}
          </Text>
        </View>
      </View>
      <View className='muted invite-rule'>好友通过你分享的卡片加入会员，完成首次消费后双方获得奖励。</View>
      <View className='invite-code-row'>
        <Text className='muted'>我的邀请码</Text>
        <Text id='invite-code' className='invite-code'>
          {summary.inviteCode}
        </Text>
        <Text id='invite-copy' className='invite-copy' onClick={() => void copyInviteCode(summary.inviteCode)}>
          复制
        </Text>
      </View>
      <View id='invite-month' className='invite-month'>
        本月已奖励 {summary.rewardedThisMonth} / 上限 {summary.monthlyCap}
      </View>
      <Button id='invite-share' className='btn-primary invite-share' openType='share'>
        邀请好友
      </Button>
      {process.env.TARO_ENV === 'h5' ? <View className='muted invite-rule'>浏览器中无法直接分享，请在微信小程序中邀请好友</View> : null}

      <View className='invite-list-title'>已邀请的好友（{summary.invitees.length}）</View>
      {summary.invitees.length === 0 ? (
        <View id='invitees-empty' className='muted'>
          还没有好友通过你的邀请加入
        </View>
      ) : (
        <View id='invitees'>
          {summary.invitees.map((f, i) => (
            <View key={`${f.nickname}-${f.joinedAt}-${i}`} className='invitee-row' data-status={f.status}>
              <View className='invitee-main'>
                <Text className='invitee-name'>{f.nickname}</Text>
                <Text className='muted'>{shanghaiDateText(f.joinedAt)} 加入</Text>
              </View>
              <Text className={`invitee-status invitee-status-${f.status}`}>{INVITEE_STATUS_TEXT[f.status]}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
