import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import type { WecomOutputs } from '../../../types/wecom'
import { memberApi } from '../services/member'
import './advisor-card.css'

type Advisor = NonNullable<WecomOutputs['myAdvisor']['advisor']>

/**
 * 添加专属顾问 on the home page: the member's WeCom advisor (or a staff member of their store) with
 * the 「联系我」 QR code to scan or long-press. Loads after each sign-in (`signedInKey`); shows nothing
 * while loading, when no staff member is on WeCom or when the call fails.
 */
export default function AdvisorCard({ signedInKey }: { signedInKey: number }) {
  const [advisor, setAdvisor] = useState<{ linked: boolean; advisor: Advisor } | null>(null)
  const [open, setOpen] = useState(false)

  useEffect(() => {
    if (!signedInKey) return
    let current = true
    // never in the way of the home page: any failure (even a throw) shows nothing
    Promise.resolve()
      .then(() => memberApi.myAdvisor())
      .then(res => {
        if (current && res?.ok) setAdvisor(res.data.advisor ? { linked: res.data.linked, advisor: res.data.advisor } : null)
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [signedInKey])

  if (!advisor) return null
  const { linked, advisor: a } = advisor
  const own = linked && a.isOwnAdvisor
  return (
    <View id='advisor-card' className='advisor-card card'>
      <View className='advisor-head' onClick={() => setOpen(!open)}>
        <View className='advisor-text'>
          <Text className='advisor-title'>{own ? '我的专属顾问' : '添加专属顾问'}</Text>
          <Text id='advisor-name' className='muted'>
            {a.storeName} · {a.staffName}
          </Text>
        </View>
        <Text id='advisor-toggle' className='advisor-toggle'>
          {open ? '收起' : own ? '顾问二维码' : '加企业微信'}
        </Text>
      </View>
      {open ? (
        <View className='advisor-qr'>
          <Image id='advisor-qr' className='advisor-qr-image' src={a.qrCode} mode='aspectFit' showMenuByLongpress />
          <Text className='muted'>{own ? '长按识别，在企业微信里联系顾问' : '长按识别二维码，添加顾问为企业微信好友，一对一服务'}</Text>
        </View>
      ) : null}
    </View>
  )
}
