import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro'
import type { Result } from '../../../../types/result'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { clockOffsetMs } from '../../../../domain/member-code'
import { loadCodeKey, saveCodeKey, type CodeKey } from '../../utils/code-key'
import { usePageLoad } from '../../utils/use-page-load'
import MemberCode from '../../components/member-code'
import './index.css'

/** `offline`: the key came from storage because getCodeKey failed (the code is still valid) */
type Shown = { key: CodeKey; offline: string }
type Ready = { status: 'ready' } & Shown

function sameKey(a: CodeKey, b: CodeKey) {
  return a.key === b.key && a.memberNo === b.memberNo && a.keyVersion === b.keyVersion
}

/**
 * The member's code key, saved on the device with the clock correction getCodeKey measured; when
 * that fails, the saved key (still valid offline) with why. Fails only when none was saved.
 */
async function fetchCodeKey(): Promise<Result<Shown>> {
  let message = ''
  try {
    const sentAt = Date.now()
    const res = await memberApi.getCodeKey()
    if (res.ok) {
      const { serverTime, ...fetched } = res.data
      const key: CodeKey = { ...fetched, clockOffsetMs: clockOffsetMs(new Date(serverTime), sentAt, Date.now()) }
      saveCodeKey(key)
      return { ok: true, data: { key, offline: '' } }
    }
    message = failText(res)
  } catch (err) {
    message = err instanceof Error ? err.message : '网络异常'
  }
  const cached = loadCodeKey()
  return cached ? { ok: true, data: { key: cached, offline: message } } : { ok: false, code: 'INTERNAL', message }
}

/**
 * The dynamic member code: memberNo + a time-based one-time password computed on the device from
 * the member's code key (domain/member-code.ts), so it keeps working when briefly offline, on the
 * server's time (the device's clock corrected by what getCodeKey measured).
 */
export default function CodePage() {
  const [bright, setBright] = useState(false)
  const {
    load: state,
    refresh,
    refreshing,
  } = usePageLoad(
    fetchCodeKey,
    (shown, s): Ready =>
      // the same key again: only the clock correction changes
      s.status === 'ready' && !shown.offline && sameKey(s.key, shown.key) ? { ...s, key: { ...s.key, clockOffsetMs: shown.key.clockOffsetMs }, offline: '' } : { status: 'ready', ...shown },
    {
      initial: () => {
        const cached = loadCodeKey()
        return cached ? { status: 'ready', key: cached, offline: '' } : { status: 'loading' }
      },
      oneAtATime: true,
    },
  )

  const fetchKey = useCallback(
    async (manual: boolean) => {
      const shown = await refresh(false)
      if (manual && shown && !shown.offline) void Taro.showToast({ title: '已刷新', icon: 'success' })
    },
    [refresh],
  )

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
        <View id='member-code-loading' className='state muted'>
          会员码加载中…
        </View>
      </View>
    )
  }

  if (state.status === 'error') {
    return (
      <View className='page'>
        <View id='member-code-error' className='state'>
          <Text className='error-text'>会员码加载失败</Text>
          <View>
            <Text id='member-code-error-message' className='muted'>
              {state.message}
            </Text>
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
      <MemberCode codeKey={state.key.key} memberNo={state.key.memberNo} clockOffsetMs={state.key.clockOffsetMs} offline={state.offline} refreshing={refreshing} onRefresh={() => void fetchKey(true)}>
        <View id='member-code-brightness-hint' className='code-hint muted'>
          {bright ? '已为你调高屏幕亮度，便于店员扫码' : '扫码时请调高屏幕亮度'}
        </View>
      </MemberCode>
    </View>
  )
}
