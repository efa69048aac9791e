import { useCallback, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MemberOutputs, MemberProfile } from '../../../../types/member'
import type { CallerRoles } from '../../../../types/console'
import type { PointsSummary } from '../../../../types/points'
import type { TierProgress } from '../../../../types/tiers'
import type { Result } from '../../../../types/result'
import type { StaffOutputs } from '../../../../types/staff'
import { fileUrl } from '../../services/cloud'
import { memberApi } from '../../services/member'
import { staffApi } from '../../services/staff'
import Recommendations from '../../components/recommendations'
import NpsCard from '../../components/nps-card'
import AdvisorCard from '../../components/advisor-card'
import TierCard from '../../components/tier-card'
import BirthdayGiftCard from '../../components/birthday-gift-card'
import ContactButton from '../../components/contact-button'
import { clearLaunchScene, launchScene } from '../../utils/launch-scene'
import { shanghaiDateText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import './index.css'

type Ready = { status: 'ready'; member: MemberProfile; avatarUrl: string }
type SignedIn = MemberOutputs['login'] & { avatarUrl: string }

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

/** member.login (with the share card's invite code and the 渠道码's scene, if any) and the avatar's URL. */
async function signIn(): Promise<Result<SignedIn>> {
  const invite = launchInviteCode()
  const scene = launchScene()
  let res = await memberApi.login(invite ?? undefined, scene ?? undefined)
  if (!res.ok && (invite || scene) && res.code === 'INVALID_ARGUMENT') {
    // a bad share card or code never keeps a member out: sign in without it
    pendingInvite = null
    clearLaunchScene()
    res = await memberApi.login()
  }
  if (!res.ok) return res
  pendingInvite = null
  clearLaunchScene()
  const avatarFileId = res.data.member.avatarFileId
  const avatarUrl = avatarFileId ? await fileUrl(avatarFileId) : ''
  return { ok: true, data: { ...res.data, avatarUrl } }
}

const ENTRIES: ReadonlyArray<{ id: string; url: string; icon: string; label: string }> = [
  { id: 'checkin-entry', url: '/pages/checkin/index', icon: '✓', label: '签到' },
  { id: 'claim-entry', url: '/pages/claim/index', icon: '✚', label: '领券中心' },
  { id: 'coupons-entry', url: '/pages/coupons/index', icon: '▤', label: '我的券' },
  { id: 'mall-entry', url: '/pages/mall/index', icon: '◈', label: '积分商城' },
  { id: 'tasks-entry', url: '/pages/tasks/index', icon: '★', label: '任务与邀请' },
]

export default function IndexPage() {
  const [staff, setStaff] = useState<StaffOutputs['me'] | null>(null)
  /** what member.login answers about the caller's roles (none when it says nothing): 管理 for operators */
  const [roles, setRoles] = useState<CallerRoles | null>(null)
  /** the load that signed in (0: not yet): recommendations load for each */
  const [signedIn, setSignedIn] = useState(0)
  const staffChecked = useRef(false)
  // reLaunched here after 注销账号 (weapp): do not sign straight back in, offer it instead
  const [deleted, setDeleted] = useState(() => Taro.getCurrentInstance?.()?.router?.params?.deleted === '1')

  // the balance (the card shows the profile's until it answers, and keeps it when it fails)
  const { load: points, refresh: loadPoints } = usePageLoad(
    () => memberApi.getPoints(),
    (summary): { status: 'ready'; summary: PointsSummary } => ({ status: 'ready', summary }),
  )
  const summary = points.status === 'ready' ? points.summary : null
  /** A failure only shows a small retry on the tier card; a refresh that fails keeps the card shown. */
  const { load: tier, refresh: loadTier } = usePageLoad(
    () => memberApi.myTier(),
    (progress): { status: 'ready'; tier: TierProgress } => ({ status: 'ready', tier: progress }),
  )

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

  // Keep showing the card while refreshing (e.g. back from 编辑资料); spinner only when there is nothing yet, an error replaces it.
  const {
    load: state,
    refresh,
    seq,
  } = usePageLoad(signIn, (data): Ready => ({ status: 'ready', member: data.member, avatarUrl: data.avatarUrl }), {
    keepOnError: false,
    onLoaded: data => {
      // an older function answers no roles: no 管理
      setRoles(data.roles ?? null)
      if (data.created) void Taro.showToast({ title: '欢迎加入会员', icon: 'success' })
      void loadPoints(true)
      void loadTier(false)
      setSignedIn(seq.current)
      void checkStaff()
    },
  })
  const load = () => void refresh(false)

  useDidShow(() => {
    if (!deleted) load()
  })

  if (deleted) {
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
              setDeleted(false)
              load()
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
        <View id='member-loading' className='member-loading state muted'>
          加载中…
        </View>
      </View>
    )
  }

  if (state.status === 'error') {
    return (
      <View className='page'>
        <View id='member-error' className='member-error state'>
          <Text className='error-text member-error-title'>会员信息加载失败</Text>
          <View>
            <Text id='member-error-message' className='member-error-message muted'>
              {state.message}
            </Text>
          </View>
          <Button id='member-retry' className='member-retry btn-primary' onClick={load}>
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
          <Text id='member-nickname' className='member-nickname'>
            {member.nickname}
          </Text>
          <Text id='member-since' className='member-since muted'>
            {shanghaiDateText(member.createdAt)} 成为会员
          </Text>
        </View>
      </View>
      <View className='member-points-card card'>
        <Text className='muted'>我的积分</Text>
        <Text id='member-points' className='member-points'>
          {summary ? summary.balance : member.points}
        </Text>
        {summary?.expiring && summary.expiring.amount > 0 ? (
          <Text id='member-expiring' className='member-expiring'>
            {summary.expiring.amount} 积分将于 {shanghaiDateText(summary.expiring.date)} 过期
          </Text>
        ) : null}
      </View>
      <TierCard load={tier} onRetry={() => void loadTier(false)} />
      <NpsCard signedInKey={signedIn} />
      <BirthdayGiftCard signedInKey={signedIn} onClaimed={() => void loadPoints(true)} />
      <AdvisorCard signedInKey={signedIn} />
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
      <ContactButton id='home-contact' />
      <Button id='member-edit' className='member-edit btn-primary' onClick={() => void Taro.navigateTo({ url: '/pages/profile/index' })}>
        编辑资料
      </Button>
    </View>
  )
}
