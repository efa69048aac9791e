import { Text, View } from '@tarojs/components'
import type { CampaignView } from '../../../../types/campaigns'
import { shanghaiDateText } from '../../utils/format'
import { groupThousands } from '../format'
import { campaignStatusText } from './form-model'

/** The campaigns, newest first: a tap opens the report (the chosen one is marked). */
export default function CampaignList(props: { campaigns: CampaignView[]; chosen: string | null; onOpen: (c: CampaignView) => void }) {
  return (
    <View id='campaigns-list'>
      {props.campaigns.map(c => (
        <View
          key={c.campaignId}
          id={`campaigns-row-${c.campaignId}`}
          className={`member-row ${props.chosen === c.campaignId ? 'member-row-on' : ''}`}
          aria-selected={props.chosen === c.campaignId ? 'true' : 'false'}
          onClick={() => props.onOpen(c)}
        >
          <View className='member-row-top'>
            <Text className='member-row-name'>{c.name}</Text>
            <Text id={`campaigns-row-${c.campaignId}-status`} className={`cp-status cp-status-${c.status}`}>
              {campaignStatusText(c.status)}
            </Text>
          </View>
          <Text className='member-row-sub'>
            {c.campaignId} · {shanghaiDateText(c.startedAt)} 至 {shanghaiDateText(c.endsAt)}
          </Text>
          <Text id={`campaigns-row-${c.campaignId}-groups`} className='member-row-sub'>
            人群 {groupThousands(c.audience)} · 触达 {groupThousands(c.treated)} · 对照 {groupThousands(c.holdout)}
            {c.templateId ? ` · 券 ${c.templateId}` : ''}
            {c.message ? ` · 消息「${c.message.text}」` : ''}
          </Text>
        </View>
      ))}
    </View>
  )
}
