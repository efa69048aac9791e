import { Text, View } from '@tarojs/components'
import type { CampaignDryRun } from '../../../../types/campaigns'
import { groupThousands } from '../format'

/** 试算's answer: the groups, what the coupon would do and why some would get none, the message's reach. */
export default function DryRunView({ dry, hasMessage }: { dry: CampaignDryRun; hasMessage: boolean }) {
  const skipped = dry.coupons ? Object.entries(dry.coupons.skipped).filter(([, n]) => n > 0) : []
  return (
    <View id='campaigns-dry' className='cp-dry'>
      {dry.continuing ? (
        <Text id='campaigns-dry-continuing' className='cp-note'>
          活动 {dry.campaignId} 已开始过：「继续开始」会接着发完，不会重复发券。
        </Text>
      ) : null}
      <View className='cp-figures'>
        <View className='cp-figure'>
          <Text className='kpi-label'>人群</Text>
          <Text id='campaigns-dry-audience' className='cp-figure-value'>
            {groupThousands(dry.audience)}
          </Text>
        </View>
        <View className='cp-figure'>
          <Text className='kpi-label'>触达组</Text>
          <Text id='campaigns-dry-treated' className='cp-figure-value'>
            {groupThousands(dry.treated)}
          </Text>
        </View>
        <View className='cp-figure'>
          <Text className='kpi-label'>对照组</Text>
          <Text id='campaigns-dry-holdout' className='cp-figure-value'>
            {groupThousands(dry.holdout)}
          </Text>
        </View>
        {dry.coupons ? (
          <View className='cp-figure'>
            <Text className='kpi-label'>{dry.continuing ? '待发券' : '将发券'}</Text>
            <Text id='campaigns-dry-would-issue' className='cp-figure-value'>
              {groupThousands(dry.coupons.wouldIssue)}
            </Text>
          </View>
        ) : null}
      </View>
      {dry.coupons && dry.continuing ? (
        <Text id='campaigns-dry-issued' className='cp-line'>
          已发券 {dry.coupons.alreadyIssued} 张
        </Text>
      ) : null}
      {skipped.length ? (
        <View id='campaigns-dry-skipped' className='cp-skipped'>
          <Text className='cp-line'>不发券的触达会员：</Text>
          {skipped.map(([reason, n]) => (
            <Text key={reason} className='cp-line cp-reason'>
              {reason}：{n} 人
            </Text>
          ))}
        </View>
      ) : null}
      {!dry.coupons ? <Text className='cp-line muted'>不发券（只发消息）</Text> : null}
      {hasMessage && dry.messageWithGrant !== undefined ? (
        <Text id='campaigns-dry-message' className='cp-line'>
          消息：{dry.messageWithGrant} 位触达会员已订阅，最多可收到（还受个人开关、每周上限和免打扰时段限制）
        </Text>
      ) : null}
    </View>
  )
}
