import { useCallback, useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { failText } from '../../services/errors'
import { createSession, listDemoUsers, type DemoUser } from '../../services/gateway'
import { setToken } from '../../services/session'
import './index.css'

/** H5 only (see app.config.ts): pick a demo identity from the local gateway, or create one. */
export default function LoginPage() {
  const [users, setUsers] = useState<DemoUser[] | null>(null)
  const [loadError, setLoadError] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const fetchUsers = useCallback(async () => {
    setLoadError('')
    const res = await listDemoUsers()
    if (res.ok) setUsers(res.data)
    else setLoadError(failText(res))
  }, [])

  useEffect(() => {
    void fetchUsers()
  }, [fetchUsers])

  const signIn = async (openid?: string) => {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      const res = await createSession(openid)
      if (!res.ok) {
        setError(failText(res))
        return
      }
      setToken(res.data.token)
      await Taro.reLaunch({ url: '/pages/index/index' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='page'>
      <View className='card'>
        <Text className='login-title'>本地体验登录</Text>
        <Text className='muted login-hint'>这是浏览器版的本地演示：选择一个体验用户代替微信登录。</Text>
      </View>

      <View className='card'>
        {loadError ? (
          <View id='login-users-error' className='login-users-error'>
            <Text className='error-text'>{loadError}</Text>
            <Button id='login-retry' className='login-retry' size='mini' onClick={() => void fetchUsers()}>
              重试
            </Button>
          </View>
        ) : users === null ? (
          <Text id='login-loading' className='muted'>
            加载体验用户…
          </Text>
        ) : users.length === 0 ? (
          <Text id='login-empty' className='muted'>
            还没有体验用户，请创建一个。
          </Text>
        ) : (
          <View id='login-users' className='login-users'>
            {users.map(u => (
              <Button key={u.openid} id={`login-user-${u.openid}`} className='login-user' disabled={busy || undefined} onClick={() => void signIn(u.openid)}>
                <Text className='login-user-name'>{u.nickname || '未命名用户'}</Text>
                <Text className='login-user-openid muted'>{u.openid}</Text>
              </Button>
            ))}
          </View>
        )}
      </View>

      {error ? (
        <View id='login-error' className='error-text login-error'>
          {error}
        </View>
      ) : null}

      <Button id='login-create' className='login-create btn-primary' disabled={busy || undefined} onClick={() => void signIn()}>
        创建新的体验用户
      </Button>
    </View>
  )
}
