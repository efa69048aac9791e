import { Button, Text, View } from '@tarojs/components'
import type { SegmentView } from '../../../../types/segments'
import { shanghaiDateTimeText } from '../../utils/format'
import { groupThousands } from '../format'
import { ruleSummary } from './rule-convert'
import type { Option } from './rule-draft'

/** Whether the segment's members can be used yet (导出, 发券, 活动) and how current they are. */
export function membershipText(m: SegmentView['membership']): string {
  if (m.state === 'computing') return `成员计算中：已核对 ${groupThousands(m.visited)} 位会员，完成后可导出、发券`
  return '成员每日随会员数据更新'
}

export type ListLoad = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; segments: SegmentView[] }

/** 已保存的人群: name, id, rule in words, last change; 打开 into the builder, 删除 (after a confirm). */
export default function SegmentList(props: {
  load: ListLoad
  openedId: string | null
  busyId: string | null
  rowErrors: Record<string, string>
  tiers: readonly Option[]
  onOpen: (s: SegmentView) => void
  onDelete: (s: SegmentView) => void
  onRetry: () => void
}) {
  const { load } = props
  return (
    <View id='segments-list' className='card segments-list'>
      <Text className='segments-section-title'>已保存的人群</Text>
      {load.status === 'loading' ? (
        <View id='segments-list-loading' className='state muted'>
          加载中…
        </View>
      ) : null}
      {load.status === 'error' ? (
        <View id='segments-list-error' className='state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='segments-list-retry' className='btn-primary' size='mini' onClick={props.onRetry}>
            重试
          </Button>
        </View>
      ) : null}
      {load.status === 'ready' && load.segments.length === 0 ? (
        <View id='segments-list-empty' className='muted segments-list-empty'>
          还没有保存的人群。左侧组合条件，确认人数后保存。
        </View>
      ) : null}
      {load.status === 'ready'
        ? load.segments.map(s => (
            <View key={s.segmentId} id={`segments-row-${s.segmentId}`} className={`segments-item ${props.openedId === s.segmentId ? 'segments-item-on' : ''}`}>
              <View className='segments-item-top'>
                <Text className='segments-strong'>{s.name}</Text>
                <Text className='muted segments-item-id'>{s.segmentId}</Text>
              </View>
              <Text className='segments-item-rule'>{ruleSummary(s.rule, props.tiers)}</Text>
              <Text className='segments-item-sub muted'>更新于 {shanghaiDateTimeText(s.updatedAt)}</Text>
              <Text id={`segments-membership-${s.segmentId}`} className='segments-item-sub muted'>
                {membershipText(s.membership)}
              </Text>
              {props.rowErrors[s.segmentId] ? (
                <Text id={`segments-row-error-${s.segmentId}`} className='error-text'>
                  {props.rowErrors[s.segmentId]}
                </Text>
              ) : null}
              <View className='m360-actions'>
                <Button id={`segments-open-${s.segmentId}`} className='m360-action' size='mini' onClick={() => props.onOpen(s)}>
                  打开
                </Button>
                <Button id={`segments-delete-${s.segmentId}`} className='m360-action' size='mini' disabled={props.busyId === s.segmentId || undefined} onClick={() => props.onDelete(s)}>
                  {props.busyId === s.segmentId ? '删除中' : '删除'}
                </Button>
              </View>
            </View>
          ))
        : null}
    </View>
  )
}
