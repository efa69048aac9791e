import { Button, Text, View } from '@tarojs/components'
import type { TierProgress } from '../../../types/tiers'
import { shanghaiDateText } from '../utils/format'
import './tier-card.css'

/** The tier card's data on the home page: loaded after sign-in, next to the points summary. */
export type TierLoad = { status: 'loading' } | { status: 'error' } | { status: 'ready'; tier: TierProgress }

/** 积分 1.5 倍 (1.2000000001 shows as 1.2). */
export function multiplierText(multiplier: number): string {
  return `积分 ${Number(multiplier.toFixed(2))} 倍`
}

/**
 * 会员等级 on the home page. Nothing while loading (the page is already shown); a small retry when
 * `member.myTier` failed, so the rest of the page is never held up by it.
 */
export default function TierCard({ load, onRetry }: { load: TierLoad; onRetry: () => void }) {
  if (load.status === 'loading') return null

  if (load.status === 'error') {
    return (
      <View id='tier-card-error' className='tier-card-error card'>
        <Text className='muted'>会员等级加载失败</Text>
        <Button id='tier-retry' className='btn-primary tier-retry' size='mini' onClick={onRetry}>
          重试
        </Button>
      </View>
    )
  }

  const t = load.tier
  const multiplier = t.pointsMultiplier > 1 ? multiplierText(t.pointsMultiplier) : null
  // the ladder's perks often repeat the multiplier (积分 1.5 倍): show it once, as the badge
  const perks = t.perks.filter(p => p !== multiplier)
  const percent = Math.round(Math.min(1, Math.max(0, t.ratio)) * 100)

  return (
    <View id='tier-card' className='tier-card card'>
      <View className='tier-head'>
        <Text id='tier-name' className='tier-name'>
          {t.name}
        </Text>
        {t.title ? (
          <Text id='tier-title' className='tier-title'>
            {t.title}
          </Text>
        ) : null}
        {multiplier ? (
          <Text id='tier-multiplier' className='tier-multiplier'>
            {multiplier}
          </Text>
        ) : null}
      </View>
      <View className='tier-growth-row'>
        <Text className='muted'>成长值</Text>
        <Text id='tier-growth' className='tier-growth'>
          {t.growth}
        </Text>
        {t.next ? <Text className='muted'>/ {t.next.threshold}</Text> : null}
      </View>
      <View className='tier-bar'>
        <View id='tier-bar-fill' className='tier-bar-fill' style={{ width: `${percent}%` }} />
      </View>
      <Text id='tier-next' className='tier-next muted'>
        {t.next ? `再获得 ${t.next.missing} 成长值升级为${t.next.name}` : '已是最高等级'}
      </Text>
      {perks.length > 0 ? (
        <View id='tier-perks' className='tier-perks'>
          {perks.map(p => (
            <Text key={p} className='tier-perk'>
              {p}
            </Text>
          ))}
        </View>
      ) : null}
      {t.downgradeAt ? (
        <View id='tier-downgrade' className='tier-downgrade'>
          <Text>
            保级提醒：{shanghaiDateText(t.downgradeAt)}前成长值达到 {t.threshold} 可保持{t.name}
          </Text>
        </View>
      ) : null}
    </View>
  )
}
