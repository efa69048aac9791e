import { useCallback, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MemberProfile } from '../../../../types/member'
import type { CallerRoles } from '../../../../types/console'
import type { PointsSummary } from '../../../../types/points'
import type { StaffOutputs } from '../../../../types/staff'
import { fileUrl, needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { staffApi } from '../../services/staff'
import Recommendations from '../../components/recommendations'
import NpsCard from '../../components/nps-card'
import TierCard, { type TierLoad } from '../../components/tier-card'
import { shanghaiDateText } from '../../utils/format'
import './index.css'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'deleted' }
  | { status: 'ready'; member: MemberProfile; avatarUrl: string }

const go = (url: string) => () => void Taro.navigateTo({ url })

/**
 * The inviter's member number from a friend's share card (sharePath `…?inviteCode=<memberNo>`),
 * kept until a sign-in succeeds: on H5 the page may first go to 本地登录 and come back without it.
 */
let pendingInvite: string | null = null

function launchInviteCode(): string | null {
  const raw = Taro.getCurrentInstance?.()?.router?.params?.inviteCode
  if (raw) {
    let code = String(raw)
    try {
      code = decodeURIComponent(code)
    } catch {
      // keep it as it came
    }
    // only a well-formed member number: anything else would make member.login refuse the whole event
    if (/^\d{10}$/.test(code)) pendingInvite = code
  }
  return pendingInvite
}

const ENTRIES: ReadonlyArray<{ id: string; url: string; icon: string; label: string }> = [
  { id: 'checkin-entry', url: '/pages/checkin/index', icon: '✓', label: '签到' },
  { id: 'claim-entry', url: '/pages/claim/index', icon: '✚', label: '领券中心' },
  { id: 'coupons-entry', url: '/pages/coupons/index', icon: '▤', label: '我的券' },
  { id: 'mall-entry', url: '/pages/mall/index', icon: '◈', label: '积分商城' },
  { id: 'tasks-entry', url: '/pages/tasks/index', icon: '★', label: '任务与邀请' },
]

export default function IndexPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [summary, setSummary] = useState<PointsSummary | null>(null)
  const [staff, setStaff] = useState<StaffOutputs['me'] | null>(null)
  /** what member.login answers about the caller's roles (none when it says nothing): 管理 for operators */
  const [roles, setRoles] = useState<CallerRoles | null>(null)
  const [tier, setTier] = useState<TierLoad>({ status: 'loading' })
  /** the load that signed in (0: not yet): recommendations load for each */
  const [signedIn, setSignedIn] = useState(0)
  const seq = useRef(0)
  const staffChecked = useRef(false)
  // reLaunched here after 注销账号 (weapp): do not sign straight back in, offer it instead
  const deleted = useRef(Taro.getCurrentInstance?.()?.router?.params?.deleted === '1')

  /** Only staff get an answer from `staff.me`; anyone else (PERMISSION_DENIED, errors) sees no entry. Once per page. */
  const checkStaff = useCallback(async () => {
    if (staffChecked.current) return
    staffChecked.current = true
    try {
      const res = await staffApi.me()
      setStaff(res.ok ? res.data : null)
    } catch {
      setStaff(null)
    }
  }, [])

  const loadPoints = useCallback(async (mine: number) => {
    try {
      const res = await memberApi.getPoints()
      if (mine === seq.current && res.ok) setSummary(res.data)
    } catch {
      // the card still shows the balance from the profile
    }
  }, [])

  /** A failure only shows a small retry on the tier card; a refresh that fails keeps the card shown. */
  const loadTier = useCallback(async (mine: number) => {
    try {
      const res = await memberApi.myTier()
      if (mine !== seq.current) return
      setTier(t => (res.ok ? { status: 'ready', tier: res.data } : t.status === 'ready' ? t : { status: 'error' }))
    } catch {
      if (mine === seq.current) setTier(t => (t.status === 'ready' ? t : { status: 'error' }))
    }
  }, [])

  const retryTier = useCallback(() => {
    setTier({ status: 'loading' })
    void loadTier(seq.current)
  }, [loadTier])

  const load = useCallback(async () => {
    if (deleted.current) {
      setState({ status: 'deleted' })
      return
    }
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++seq.current
    // Keep showing the card while refreshing (e.g. back from 编辑资料); spinner only when there is nothing yet.
    setState(s => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const invite = launchInviteCode()
      let res = await memberApi.login(invite ?? undefined)
      if (mine !== seq.current) return
      if (!res.ok && invite && res.code === 'INVALID_ARGUMENT') {
        // a bad share card never keeps a member out: sign in without it
        pendingInvite = null
        res = await memberApi.login()
        if (mine !== seq.current) return
      }
      if (!res.ok) {
        setState({ status: 'error', message: failText(res) })
        return
      }
      pendingInvite = null
      const { member, created } = res.data
      // an older function answers no roles: no 管理
      setRoles(res.data.roles ?? null)
      const avatarUrl = member.avatarFileId ? await fileUrl(member.avatarFileId) : ''
      if (mine !== seq.current) return
      setState({ status: 'ready', member, avatarUrl })
      if (created) void Taro.showToast({ title: '欢迎加入会员', icon: 'success' })
      void loadPoints(mine)
      void loadTier(mine)
      setSignedIn(mine)
      void checkStaff()
    } catch (err) {
      if (mine !== seq.current) return
      setState({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    }
  }, [loadPoints, loadTier, checkStaff])

  useDidShow(() => {
    void load()
  })

  if (state.status === 'deleted') {
    return (
      <View className='page'>
        <View id='member-deleted' className='state'>
          <Text className='member-error-title'>账号已注销</Text>
          <View>
            <Text className='muted'>你的个人资料已删除。欢迎随时重新加入。</Text>
          </View>
          <Button
            id='member-rejoin'
            className='member-retry btn-primary'
            onClick={() => {
              deleted.current = false
              void load()
            }}
          >
            重新加入会员
          </Button>
        </View>
      </View>
    )
  }

  if (state.status === 'loading') {
    return (
      <View className='page'>
        <View id='member-loading' className='member-loading state muted'>加载中…</View>
      </View>
    )
  }

  if (state.status === 'error') {
    return (
      <View className='page'>
        <View id='member-error' className='member-error state'>
          <Text className='error-text member-error-title'>会员信息加载失败</Text>
          <View>
            <Text id='member-error-message' className='member-error-message muted'>{state.message}</Text>
          </View>
          <Button id='member-retry' className='member-retry btn-primary' onClick={() => void load()}>
            重试
          </Button>
        </View>
      </View>
    )
  }

  const { member, avatarUrl } = state
  return (
    <View className='page'>
      <View id='member-card' className='member-card card'>
        {avatarUrl ? (
          <Image id='member-avatar' className='member-avatar' src={avatarUrl} mode='aspectFill' />
        ) : (
          <View id='member-avatar' className='member-avatar member-avatar-placeholder'>
            {member.nickname.slice(0, 1) || '会'}
          </View>
        )}
        <View className='member-info'>
          <Text id='member-nickname' className='member-nickname'>{member.nickname}</Text>
          <Text id='member-since' className='member-since muted'>
            {shanghaiDateText(member.createdAt)} 成为会员
          </Text>
        </View>
      </View>
      <View className='member-points-card card'>
        <Text className='muted'>我的积分</Text>
        <Text id='member-points' className='member-points'>{summary ? summary.balance : member.points}</Text>
        {summary?.expiring && summary.expiring.amount > 0 ? (
          <Text id='member-expiring' className='member-expiring'>
            {summary.expiring.amount} 积分将于 {shanghaiDateText(summary.expiring.date)} 过期
          </Text>
        ) : null}
      </View>
      <TierCard load={tier} onRetry={retryTier} />
      <NpsCard signedInKey={signedIn} />
      <View className='member-entries card'>
        <View id='member-code-entry' className='member-entry' onClick={go('/pages/code/index')}>
          <Text className='member-entry-icon'>▦</Text>
          <Text className='member-entry-label'>会员码</Text>
        </View>
        <View id='points-history-entry' className='member-entry' onClick={go('/pages/points/index')}>
          <Text className='member-entry-icon'>≡</Text>
          <Text className='member-entry-label'>积分明细</Text>
        </View>
        <View id='purchases-entry' className='member-entry' onClick={go('/pages/purchases/index')}>
          <Text className='member-entry-icon'>￥</Text>
          <Text className='member-entry-label'>消费记录</Text>
        </View>
        {staff ? (
          <View id='staff-entry' className='member-entry' onClick={go('/staff/scan/index')}>
            <Text className='member-entry-icon'>⌂</Text>
            <Text className='member-entry-label'>店员工作台</Text>
            <Text className='member-entry-sub muted'>{staff.storeName}</Text>
          </View>
        ) : null}
        {roles?.admin || roles?.manager ? (
          <View id='console-entry' className='member-entry' onClick={go('/console/home/index')}>
            <Text className='member-entry-icon'>⚙</Text>
            <Text className='member-entry-label'>管理</Text>
            <Text className='member-entry-sub muted'>{roles.admin ? '全品牌' : roles.manager?.storeName}</Text>
          </View>
        ) : null}
      </View>
      <View id='member-benefits' className='member-entries member-benefits card'>
        {ENTRIES.map(e => (
          <View key={e.id} id={e.id} className='member-entry member-benefit' onClick={go(e.url)}>
            <Text className='member-entry-icon'>{e.icon}</Text>
            <Text className='member-entry-label'>{e.label}</Text>
          </View>
        ))}
      </View>
      <Recommendations signedInKey={signedIn} />
      <Button
        id='member-edit'
        className='member-edit btn-primary'
        onClick={() => void Taro.navigateTo({ url: '/pages/profile/index' })}
      >
        编辑资料
      </Button>
    </View>
  )
}
