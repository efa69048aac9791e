import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro'
import { memberCode, secondsUntilNextCode } from '../../../../domain/member-code'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { loadCodeKey, saveCodeKey, type CodeKey } from '../../utils/code-key'
import { groupDigits } from '../../utils/format'
import QrCanvas from './qr-canvas'
import './index.css'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  /** `offline`: the key came from storage because getCodeKey failed (the code is still valid) */
  | { status: 'ready'; key: CodeKey; offline: string }

const QR_SIZE = 220

function sameKey(a: CodeKey, b: CodeKey) {
  return a.key === b.key && a.memberNo === b.memberNo && a.keyVersion === b.keyVersion
}

/**
 * The dynamic member code: memberNo + a time-based one-time password computed on the device from
 * the member's code key (domain/member-code.ts), so it keeps working when briefly offline.
 */
export default function CodePage() {
  const [state, setState] = useState<State>(() => {
    const cached = loadCodeKey()
    return cached ? { status: 'ready', key: cached, offline: '' } : { status: 'loading' }
  })
  const [now, setNow] = useState(() => new Date())
  const [refreshing, setRefreshing] = useState(false)
  const [bright, setBright] = useState(false)
  const fetching = useRef(false)

  const fetchKey = useCallback(async (manual: boolean) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    if (fetching.current) return
    fetching.current = true
    setRefreshing(true)
    try {
      let message = ''
      try {
        const res = await memberApi.getCodeKey()
        if (res.ok) {
          const key = res.data
          saveCodeKey(key)
          setState(s => (s.status === 'ready' && sameKey(s.key, key) ? { ...s, offline: '' } : { status: 'ready', key, offline: '' }))
          setNow(new Date())
          if (manual) void Taro.showToast({ title: '已刷新', icon: 'success' })
          return
        }
        message = failText(res)
      } catch (err) {
        message = err instanceof Error ? err.message : '网络异常'
      }
      const cached = loadCodeKey()
      if (cached) {
        setState({ status: 'ready', key: cached, offline: message })
      } else {
        setState({ status: 'error', message })
      }
    } finally {
      fetching.current = false
      setRefreshing(false)
    }
  }, [])

  useEffect(() => {
    void fetchKey(false)
  }, [fetchKey])

  // the clock: the code changes every step, the countdown every second
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(timer)
  }, [])

  // weapp: full brightness while the code is on screen, the member's own setting back on leave
  const savedBrightness = useRef<number | null>(null)
  const visible = useRef(false)
  const restoreBrightness = useCallback(() => {
    visible.current = false
    const value = savedBrightness.current
    savedBrightness.current = null
    setBright(false)
    if (value !== null && typeof Taro.setScreenBrightness === 'function') {
      Promise.resolve(Taro.setScreenBrightness({ value })).catch(() => {})
    }
  }, [])
  const raiseBrightness = useCallback(async () => {
    visible.current = true
    if (process.env.TARO_ENV === 'h5' || typeof Taro.setScreenBrightness !== 'function') return
    try {
      if (savedBrightness.current === null && typeof Taro.getScreenBrightness === 'function') {
        const { value } = await Taro.getScreenBrightness()
        if (!visible.current) return
        savedBrightness.current = value
      }
      await Taro.setScreenBrightness({ value: 1 })
      if (!visible.current) {
        restoreBrightness()
        return
      }
      setBright(true)
      if (typeof Taro.setKeepScreenOn === 'function') Promise.resolve(Taro.setKeepScreenOn({ keepScreenOn: true })).catch(() => {})
    } catch {
      setBright(false)
    }
  }, [restoreBrightness])
  useDidShow(() => {
    void raiseBrightness()
  })
  useDidHide(restoreBrightness)
  useUnload(restoreBrightness)

  if (state.status === 'loading') {
    return (
      <View className='page'>
        <View id='member-code-loading' className='state muted'>会员码加载中…</View>
      </View>
    )
  }

  if (state.status === 'error') {
    return (
      <View className='page'>
        <View id='member-code-error' className='state'>
          <Text className='error-text'>会员码加载失败</Text>
          <View>
            <Text id='member-code-error-message' className='muted'>{state.message}</Text>
          </View>
          <Button id='member-code-retry' className='btn-primary code-retry' onClick={() => void fetchKey(true)}>
            重试
          </Button>
        </View>
      </View>
    )
  }

  const code = memberCode(state.key.key, state.key.memberNo, now)
  const seconds = secondsUntilNextCode(now)
  return (
    <View className='page'>
      <View className='card code-card'>
        <Text className='code-title'>向店员出示会员码</Text>
        <View className='code-qr' data-code={code}>
          <QrCanvas id='member-code-qr' text={code} size={QR_SIZE} />
        </View>
        <View id='member-code-digits' className='code-digits' data-code={code}>
          {groupDigits(code)}
        </View>
        <Text id='member-code-countdown' className='code-countdown muted' data-seconds={seconds}>
          {seconds} 秒后自动刷新
        </Text>
        {state.offline ? (
          <Text id='member-code-offline' className='code-offline'>
            网络不可用，已使用保存在本机的会员码（{state.offline}）
          </Text>
        ) : null}
      </View>

      <View id='member-code-brightness-hint' className='code-hint muted'>
        {bright ? '已为你调高屏幕亮度，便于店员扫码' : '扫码时请调高屏幕亮度'}
      </View>
      <View className='code-hint muted'>会员码每 30 秒更新一次，截图无效，请勿转发他人</View>

      <Button
        id='member-code-refresh'
        className='code-refresh'
        disabled={refreshing || undefined}
        onClick={() => void fetchKey(true)}
      >
        {refreshing ? '刷新中…' : '刷新会员码'}
      </Button>
    </View>
  )
}
