import { useEffect, useState, type ReactNode } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { memberCode, secondsUntilNextCode } from '../../../domain/member-code'
import { groupDigits } from '../utils/format'
import QrCanvas from '../pages/code/qr-canvas'
import './member-code.css'

const QR_SIZE = 220

/** The native custom component's host (Taro passes it as `$scope` when this is built with `taro build native-components`). */
interface NativeHost {
  triggerEvent(name: string, detail: unknown): void
}

export interface MemberCodeProps {
  /** the member's code key (hex) and member number, from `member.getCodeKey` (or the copy saved on the device) */
  codeKey: string
  memberNo: string
  /** added to the device's clock (ms) to get the server's; 0: trust the device */
  clockOffsetMs?: number
  /** why the saved key is shown (getCodeKey failed); empty when the key is fresh */
  offline?: string
  /** a refresh is under way: the button waits */
  refreshing?: boolean
  /** React hosts (会员码 page): the refresh button; a native host listens with `bind:refresh` */
  onRefresh?: () => void
  $scope?: NativeHost
  /** shown between the card and the refresh button (the page's brightness hint) */
  children?: ReactNode
}

/**
 * The dynamic member code: memberNo + a time-based one-time password computed on the device from
 * the code key (domain/member-code.ts) every second, as a QR code and as digits, with a countdown to
 * the next code and a refresh button. The 会员码 page passes the key; test/scripts/native-components.test.ts
 * renders the same component compiled to a native custom component.
 */
export default function MemberCode({ codeKey, memberNo, clockOffsetMs = 0, offline, refreshing, onRefresh, $scope, children }: MemberCodeProps) {
  const serverNow = () => new Date(Date.now() + (Number.isFinite(clockOffsetMs) ? clockOffsetMs : 0))
  const [now, setNow] = useState(serverNow)

  // the clock: the code changes every step, the countdown every second
  useEffect(() => {
    setNow(serverNow())
    const timer = setInterval(() => setNow(serverNow()), 1000)
    return () => clearInterval(timer)
    // serverNow is a function of clockOffsetMs (listed); a new closure each render is not a change
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [codeKey, memberNo, clockOffsetMs])

  const refresh = () => {
    if (refreshing) return
    if (onRefresh) onRefresh()
    else $scope?.triggerEvent('refresh', { memberNo })
  }

  const code = codeKey && memberNo ? memberCode(codeKey, memberNo, now) : ''
  const seconds = secondsUntilNextCode(now)
  return (
    <View className='member-code'>
      <View className='card code-card'>
        <Text className='code-title'>向店员出示会员码</Text>
        <View className='code-qr' data-code={code}>
          <QrCanvas id='member-code-qr' text={code} size={QR_SIZE} scope={$scope} />
        </View>
        <View id='member-code-digits' className='code-digits' data-code={code}>
          {groupDigits(code)}
        </View>
        <Text id='member-code-countdown' className='code-countdown muted' data-seconds={seconds}>
          {seconds} 秒后自动刷新
        </Text>
        {offline ? (
          <Text id='member-code-offline' className='code-offline'>
            网络不可用，已使用保存在本机的会员码（{offline}）
          </Text>
        ) : null}
      </View>

      {children}
      <View className='code-hint muted'>会员码每 30 秒更新一次，截图无效，请勿转发他人</View>

      <Button id='member-code-refresh' className='code-refresh' disabled={refreshing || undefined} onClick={refresh}>
        {refreshing ? '刷新中…' : '刷新会员码'}
      </Button>
    </View>
  )
}
