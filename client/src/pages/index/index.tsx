import { useCallback, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MemberProfile } from '../../../../types/member'
import { fileUrl, needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { shanghaiDateText } from '../../utils/format'
import './index.css'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; member: MemberProfile; avatarUrl: string }

export default function IndexPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const seq = useRef(0)

  const load = useCallback(async () => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++seq.current
    // Keep showing the card while refreshing (e.g. back from 编辑资料); spinner only when there is nothing yet.
    setState(s => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const res = await memberApi.login()
      if (mine !== seq.current) return
      if (!res.ok) {
        setState({ status: 'error', message: failText(res) })
        return
      }
      const { member, created } = res.data
      const avatarUrl = member.avatarFileId ? await fileUrl(member.avatarFileId) : ''
      if (mine !== seq.current) return
      setState({ status: 'ready', member, avatarUrl })
      if (created) void Taro.showToast({ title: '欢迎加入会员', icon: 'success' })
    } catch (err) {
      if (mine !== seq.current) return
      setState({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    }
  }, [])

  useDidShow(() => {
    void load()
  })

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
        <Text id='member-points' className='member-points'>{member.points}</Text>
      </View>
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
