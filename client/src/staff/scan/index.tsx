import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { staffApi } from '../../services/staff'
import { PageError, PageLoading } from '../../components/page-state'
import StaffDenied from '../components/denied'
import MemberIdentify, { type MemberLookup } from '../components/member-identify'
import FollowUpsEntry from '../followups/entry'
import { useStaffMe } from '../components/use-staff-me'
import { isDenied, till, tillErrorText, type ServedMember } from '../till'
import '../staff.css'

/** Scanning the member code, typing it, or finding the member by phone: who is being served. 核销券 from here too. */
export default function ScanPage() {
  const { me, setMe, loadMe } = useStaffMe({ keepOnError: false })

  const [served, setServed] = useState<ServedMember | null>(() => till.served())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const busyRef = useRef(false)
  /** counts the page being shown: the 回访任务 badge refreshes each time */
  const [shown, setShown] = useState(0)

  // back from the result page (继续收银): the till may have been cleared
  useDidShow(() => {
    setServed(till.served())
    setShown(n => n + 1)
  })

  const identify = async (call: () => ReturnType<typeof staffApi.verifyCode>, via: ServedMember['via'], refOf: (m: ServedMember['member']) => ServedMember['ref']) => {
    if (busyRef.current) return
    busyRef.current = true
    setBusy(true)
    setError('')
    try {
      const res = await call()
      if (!res.ok) {
        if (isDenied(res)) setMe({ status: 'denied' })
        setError(tillErrorText(res))
        return
      }
      const next: ServedMember = { member: res.data.member, ref: refOf(res.data.member), via }
      till.serve(next)
      setServed(next)
    } catch (err) {
      setError(err instanceof Error ? err.message : '网络异常，请重试')
    } finally {
      busyRef.current = false
      setBusy(false)
    }
  }

  const lookup = (l: MemberLookup) => {
    if ('code' in l) {
      // the purchase names the member by this code again: the server checks it once more and uses it up
      void identify(
        () => staffApi.verifyCode(l.code),
        'code',
        () => ({ code: l.code }),
      )
    } else if ('phone' in l) {
      void identify(
        () => staffApi.findMemberByPhone(l.phone),
        'phone',
        m => ({ memberNo: m.memberNo }),
      )
    }
  }

  if (me.status === 'denied') return <StaffDenied />
  if (me.status === 'loading') {
    return <PageLoading id='till-loading' />
  }
  if (me.status === 'error') {
    return <PageError id='till-load-error' retryId='till-retry' message={me.message} onRetry={() => void loadMe()} />
  }

  return (
    <View className='page'>
      <View id='till-store' className='card till-store'>
        <View>
          <Text className='till-section-title'>{me.me.storeName}</Text>
          <Text className='muted'>店员：{me.me.name}</Text>
        </View>
        <View className='till-header-buttons'>
          <Button id='till-coupons-entry' className='till-header-button' size='mini' onClick={() => void Taro.navigateTo({ url: '/staff/coupons/index' })}>
            核销券
          </Button>
          <Button id='till-today-entry' className='till-header-button' size='mini' onClick={() => void Taro.navigateTo({ url: '/staff/today/index' })}>
            今日流水
          </Button>
        </View>
      </View>

      <FollowUpsEntry id='till-followups-entry' refreshKey={shown} />

      {served ? (
        <View id='till-member' className='card'>
          <Text id='till-member-nickname' className='till-member-name'>
            {served.member.nickname}
          </Text>
          <View className='till-member-line'>
            <Text className='muted'>会员号</Text>
            <Text id='till-member-no'>{served.member.memberNo}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>手机号</Text>
            <Text id='till-member-phone'>{served.member.maskedPhone || '未绑定'}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>等级</Text>
            <Text id='till-member-tier'>{served.member.tierName}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>积分</Text>
            <Text id='till-member-points'>{served.member.points}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>可用优惠券</Text>
            <Text id='till-member-coupons'>{served.member.availableCoupons} 张</Text>
          </View>
          <View className='till-actions'>
            <Button id='till-purchase' className='btn-primary' onClick={() => void Taro.navigateTo({ url: '/staff/purchase/index' })}>
              录入消费
            </Button>
            <Button
              id='till-clear'
              className='till-secondary'
              onClick={() => {
                till.clear()
                setServed(null)
                setError('')
              }}
            >
              换一位会员
            </Button>
          </View>
        </View>
      ) : (
        <MemberIdentify idPrefix='till' busy={busy} onLookup={lookup} onError={setError} />
      )}

      {error ? (
        <View id='till-error' className='error-text till-error'>
          {error}
        </View>
      ) : null}
    </View>
  )
}
