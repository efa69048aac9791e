import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { BirthdayGiftView } from '../../../types/birthday'
import { failText } from '../services/errors'
import { memberApi } from '../services/member'
import './birthday-gift-card.css'

/** 7 月 15 日 from YYYY-MM-DD (a calendar day: no time zone involved). */
export function monthDayText(day: string): string {
  return `${Number(day.slice(5, 7))} 月 ${Number(day.slice(8, 10))} 日`
}

/** 200 积分 + 生日 20 元券 */
export function giftText(gift: BirthdayGiftView['gift']): string {
  return [gift.points > 0 ? `${gift.points} 积分` : '', gift.couponName ?? ''].filter(Boolean).join(' + ') || '生日礼'
}

/**
 * 生日礼 on the home page, whether or not a subscribe message reached the member: during the
 * birthday week a 领取 button (member.claimBirthdayGift, once per birthday year); after it, 已领取;
 * without a birthday in the profile, a line to fill it in. Nothing when the brand offers no gift,
 * outside the week, while loading or when the call fails: the page never depends on it.
 */
export default function BirthdayGiftCard({ signedInKey, onClaimed }: { signedInKey: number; onClaimed?: () => void }) {
  const [view, setView] = useState<BirthdayGiftView | null>(null)
  const [claiming, setClaiming] = useState(false)
  const [error, setError] = useState('')
  const claimingRef = useRef(false)

  useEffect(() => {
    if (!signedInKey) return
    let current = true
    memberApi
      .birthdayGift()
      .then(res => {
        if (current && res.ok) setView(res.data)
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [signedInKey])

  if (!view || !view.enabled) return null
  if (!view.hasBirthday) {
    return (
      <View id='birthday-gift' className='birthday-card card'>
        <Text className='birthday-title'>生日礼</Text>
        <Text id='birthday-gift-hint' className='muted birthday-line'>
          填写生日，生日当周可领 {giftText(view.gift)}
        </Text>
        <Button id='birthday-gift-profile' className='birthday-link' size='mini' onClick={() => void Taro.navigateTo({ url: '/pages/profile/index' })}>
          去填写
        </Button>
      </View>
    )
  }
  if (!view.open || !view.week) return null

  const claim = async () => {
    if (claimingRef.current) return
    claimingRef.current = true
    setClaiming(true)
    setError('')
    try {
      const res = await memberApi.claimBirthdayGift()
      if (res.ok) {
        setView(res.data.gift)
        void Taro.showToast({ title: '生日礼已到账', icon: 'success' })
        onClaimed?.()
      } else if (res.code === 'ALREADY_EXISTS') {
        // claimed from another device meanwhile
        setView({ ...view, claimedAt: view.claimedAt ?? new Date().toISOString() })
      } else {
        setError(failText(res))
      }
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : '网络异常，请稍后重试')
    } finally {
      claimingRef.current = false
      setClaiming(false)
    }
  }

  return (
    <View id='birthday-gift' className='birthday-card card'>
      <Text className='birthday-title'>生日快乐</Text>
      <Text id='birthday-gift-week' className='muted birthday-line'>
        生日周 {monthDayText(view.week.from)} – {monthDayText(view.week.to)}
      </Text>
      <Text id='birthday-gift-content' className='birthday-gift'>
        {giftText(view.gift)}
      </Text>
      {view.claimedAt ? (
        <Text id='birthday-gift-claimed' className='birthday-claimed'>
          已领取，{view.gift.couponName ? '券已放入卡包' : '积分已到账'}
        </Text>
      ) : (
        <Button id='birthday-gift-claim' className='btn-primary birthday-claim' disabled={claiming} loading={claiming} onClick={() => void claim()}>
          {claiming ? '领取中…' : '领取生日礼'}
        </Button>
      )}
      {error ? (
        <Text id='birthday-gift-error' className='error-text'>
          {error}
        </Text>
      ) : null}
    </View>
  )
}
