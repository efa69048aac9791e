import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { staffApi } from '../../services/staff'
import { FOLLOW_UP_LIMIT } from './limits'
import './entry.css'

/**
 * The 回访任务 row on the till, with the number of open follow-ups (one `staff.followUps` call each
 * time `refreshKey` changes; 0: the page is not shown yet, nothing is loaded). No badge while
 * loading, when there are none or when the count failed: the row still opens the page.
 */
export default function FollowUpsEntry({ id, refreshKey }: { id: string; refreshKey: number }) {
  const [open, setOpen] = useState<number | null>(null)

  useEffect(() => {
    if (!refreshKey) return
    let current = true
    staffApi
      .followUps('open', FOLLOW_UP_LIMIT)
      .then(res => {
        if (current && res.ok) setOpen(res.data.items.length)
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [refreshKey])

  return (
    <View id={id} className='card followups-entry' onClick={() => void Taro.navigateTo({ url: '/staff/followups/index' })}>
      <Text className='followups-entry-label'>回访任务</Text>
      {open ? (
        <Text id={`${id}-badge`} className='followups-badge'>
          {open >= FOLLOW_UP_LIMIT ? `${FOLLOW_UP_LIMIT - 1}+` : open} 位待回访
        </Text>
      ) : (
        <Text className='muted'>低分评价的会员</Text>
      )}
      <Text className='followups-entry-arrow muted'>›</Text>
    </View>
  )
}
