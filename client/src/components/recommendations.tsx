import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { RecommendationView } from '../../../types/products'
import { memberApi } from '../services/member'
import { formatFen } from '../utils/money'
import { newRequestId } from '../utils/request-id'
import './recommendations.css'

const SOURCE = 'home.recommend'

/** Reports views and clicks; never in the way of the page (a lost report is only a lost signal). */
function report(events: Array<{ type: 'view' | 'click'; productId: string }>): void {
  void memberApi
    .track(
      newRequestId('trk'),
      events.map(e => ({ ...e, source: SOURCE })),
    )
    .catch(() => undefined)
}

/**
 * 为你推荐 on the home page: items with the reason they were picked. Loads after sign-in
 * (`signedInKey` changes with each sign-in); shows nothing while loading, on failure or when empty.
 */
export default function Recommendations({ signedInKey }: { signedInKey: number }) {
  const [items, setItems] = useState<RecommendationView[]>([])

  useEffect(() => {
    if (!signedInKey) return
    let current = true
    memberApi
      .recommendations()
      .then(res => {
        if (!current || !res.ok) return
        setItems(res.data.items)
        if (res.data.items.length) report(res.data.items.map(i => ({ type: 'view', productId: i.productId })))
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [signedInKey])

  if (!items.length) return null
  return (
    <View id='recommendations' className='recommendations card'>
      <Text className='recommendations-title'>为你推荐</Text>
      {items.map(item => (
        <View key={item.productId} id={`recommend-${item.productId}`} className='recommendation' onClick={() => report([{ type: 'click', productId: item.productId }])}>
          <View className='recommendation-main'>
            <Text className='recommendation-name'>{item.title}</Text>
            <Text className='recommendation-reason muted'>{item.reason}</Text>
          </View>
          <Text className='recommendation-price'>{formatFen(item.priceFen)}</Text>
        </View>
      ))}
    </View>
  )
}
