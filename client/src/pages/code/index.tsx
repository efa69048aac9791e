import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { clockOffsetMs } from '../../../../domain/member-code'
import { loadCodeKey, saveCodeKey, type CodeKey } from '../../utils/code-key'
import MemberCode from '../../components/member-code'
import './index.css'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  /** `offline`: the key came from storage because getCodeKey failed (the code is still valid) */
  | { status: 'ready'; key: CodeKey; offline: string }

function sameKey(a: CodeKey, b: CodeKey) {
  return a.key === b.key && a.memberNo === b.memberNo && a.keyVersion === b.keyVersion
}

/**
 * The dynamic member code: memberNo + a time-based one-time password computed on the device from
 * the member's code key (domain/member-code.ts), so it keeps working when briefly offline, on the
 * server's time (the device's clock corrected by what getCodeKey measured).
 */
export default function CodePage() {
  const [state, setState] = useState<State>(() => {
    const cached = loadCodeKey()
    return cached ? { status: 'ready', key: cached, offline: '' } : { status: 'loading' }
  })
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
        const sentAt = Date.now()
        const res = await memberApi.getCodeKey()
        if (res.ok) {
          const { serverTime, ...fetched } = res.data
          const key: CodeKey = { ...fetched, clockOffsetMs: clockOffsetMs(new Date(serverTime), sentAt, Date.now()) }
          saveCodeKey(key)
          setState(s => (s.status === 'ready' && sameKey(s.key, key) ? { ...s, key: { ...s.key, clockOffsetMs: key.clockOffsetMs }, offline: '' } : { status: 'ready', key, offline: '' }))
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

  return (
    <View className='page'>
      <MemberCode
        codeKey={state.key.key}
        memberNo={state.key.memberNo}
        clockOffsetMs={state.key.clockOffsetMs}
        offline={state.offline}
        refreshing={refreshing}
        onRefresh={() => void fetchKey(true)}
      >
        <View id='member-code-brightness-hint' className='code-hint muted'>
          {bright ? '已为你调高屏幕亮度，便于店员扫码' : '扫码时请调高屏幕亮度'}
        </View>
      </MemberCode>
    </View>
  )
}
