import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import type { ContactWayView } from '../../../../types/wecom'
import { staffApi } from '../../services/staff'

/**
 * The staff member's WeCom 「联系我」 code under a purchase: the customer scans it to add them as
 * 专属顾问. Shows nothing for staff without a WeCom account, or when WeCom is not set up.
 */
export default function ContactWayCard() {
  const [way, setWay] = useState<ContactWayView | null>(null)
  const [open, setOpen] = useState(false)

  useEffect(() => {
    let current = true
    // never in the way of the result page: any failure (even a throw) shows nothing
    Promise.resolve()
      .then(() => staffApi.myContactWay())
      .then(res => {
        if (current && res?.ok) setWay(res.data.contactWay)
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [])

  if (!way) return null
  return (
    <View id='contact-way' className='card'>
      <View className='till-member-line' onClick={() => setOpen(!open)}>
        <Text className='till-section-title'>请顾客添加专属顾问</Text>
        <Text id='contact-way-toggle' className='muted'>
          {open ? '收起' : '出示二维码'}
        </Text>
      </View>
      {open ? (
        <View className='result-contact-way'>
          <Image id='contact-way-qr' src={way.qrCode} mode='aspectFit' style={{ width: '360px', height: '360px' }} />
          <Text className='muted'>
            顾客用微信扫码，添加 {way.staffName}（{way.storeName}）为企业微信好友
          </Text>
        </View>
      ) : null}
    </View>
  )
}
