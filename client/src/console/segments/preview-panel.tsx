import { Text, View } from '@tarojs/components'
import { groupThousands, stageText } from '../format'
import type { Option } from './rule-draft'
import type { Preview } from './use-preview'

/**
 * 人数 and 样例: the live answer to the rule being built (greyed while a newer one is asked); 约 when a
 * large brand's count is estimated from a sample of its members.
 */
export default function PreviewPanel(props: { preview: Preview; incomplete: boolean; tiers: readonly Option[] }) {
  const { preview } = props
  const data = preview.status === 'ready' ? preview.data : preview.status === 'pending' ? preview.shown : null
  const tierName = (id: string | null) => (id ? (props.tiers.find(t => t.value === id)?.label ?? id) : '—')

  return (
    <View id='segments-preview' className='card segments-preview'>
      <View className='segments-preview-head'>
        <Text className='segments-section-title'>预览</Text>
        {data ? (
          <Text id='segments-preview-count' className={`segments-count ${preview.status === 'pending' ? 'segments-stale' : ''}`}>
            {data.estimated ? `约 ${groupThousands(data.count)} 人` : `共 ${groupThousands(data.count)} 人`}
          </Text>
        ) : null}
        {data?.estimated ? (
          <Text id='segments-preview-estimate' className='muted'>
            按 {groupThousands(data.sampled)} 位会员抽样估算，保存后按全部会员计算
          </Text>
        ) : null}
        {preview.status === 'pending' ? (
          <Text id='segments-preview-loading' className='muted'>
            计算中…
          </Text>
        ) : null}
      </View>
      {preview.status === 'idle' ? (
        <Text id='segments-preview-hint' className='muted'>
          {props.incomplete ? '补全条件后显示人数和样例' : '请修正标红的条件'}
        </Text>
      ) : null}
      {preview.status === 'error' ? (
        <Text id='segments-preview-error' className='error-text'>
          {preview.message}
        </Text>
      ) : null}
      {data && data.sample.length > 0 ? (
        <View id='segments-sample' className={`segments-table ${preview.status === 'pending' ? 'segments-stale' : ''}`}>
          <View className='segments-row segments-head'>
            <Text className='segments-cell'>会员号</Text>
            <Text className='segments-cell'>昵称</Text>
            <Text className='segments-cell'>等级</Text>
            <Text className='segments-cell'>阶段</Text>
            <Text className='segments-cell'>标签</Text>
          </View>
          {data.sample.map(m => (
            <View key={m.openid} id={`segments-sample-${m.memberNo}`} className='segments-row'>
              <Text className='segments-cell segments-strong'>{m.memberNo}</Text>
              <Text className='segments-cell'>{m.nickname || '未设置昵称'}</Text>
              <Text className='segments-cell'>{tierName(m.tierId)}</Text>
              <Text className='segments-cell'>{m.stage ? stageText(m.stage) : '—'}</Text>
              <Text className='segments-cell muted'>{m.tags.length ? m.tags.join('、') : '—'}</Text>
            </View>
          ))}
          {data.count > data.sample.length ? <Text className='segments-more muted'>仅显示前 {data.sample.length} 位</Text> : null}
        </View>
      ) : null}
      {data && data.count === 0 && preview.status === 'ready' ? (
        <Text id='segments-preview-empty' className='muted'>
          当前没有会员符合这些条件
        </Text>
      ) : null}
    </View>
  )
}
