import { Button, Text, View } from '@tarojs/components'
import ConditionRow from './condition-row'
import { conditionText } from './rule-convert'
import { blankCondition, type Option, type RuleDraft } from './rule-draft'

export const MAX_CONDITIONS = 20

/** 条件: 全部满足 / 任一满足 over a list of conditions (at most 20, as the rule language allows). */
export default function SegmentBuilder(props: { draft: RuleDraft; tiers: readonly Option[]; errors: Record<number, string>; onChange: (draft: RuleDraft) => void }) {
  const { draft, onChange } = props
  const setCondition = (i: number, next: RuleDraft['conditions'][number]) => onChange({ ...draft, conditions: draft.conditions.map((c, j) => (j === i ? next : c)) })
  const otherWord = draft.match === 'all' ? '任一满足' : '全部满足'

  return (
    <View id='segments-builder' className='card segments-builder'>
      <View className='segments-match'>
        <Text className='segments-section-title'>条件</Text>
        <View className='segments-chips' role='radiogroup'>
          {(['all', 'any'] as const).map(m => (
            <View
              key={m}
              id={`segments-match-${m}`}
              className={`segments-chip ${draft.match === m ? 'segments-chip-on' : ''}`}
              role='radio'
              aria-checked={draft.match === m ? 'true' : 'false'}
              onClick={() => onChange({ ...draft, match: m })}
            >
              {m === 'all' ? '全部满足' : '任一满足'}
            </View>
          ))}
        </View>
      </View>
      {draft.conditions.map((c, i) => (
        <ConditionRow
          key={c.key}
          index={i}
          condition={c}
          tiers={props.tiers}
          error={props.errors[i]}
          canRemove={draft.conditions.length + draft.other.length > 1}
          onChange={next => setCondition(i, next)}
          onRemove={() => onChange({ ...draft, conditions: draft.conditions.filter((_c, j) => j !== i) })}
        />
      ))}
      {draft.other.length ? (
        <View id='segments-other' className='segments-other muted'>
          <Text>
            另有「{otherWord}」条件（保存时保留）：{draft.other.map(c => conditionText(c, props.tiers)).join('；')}
          </Text>
        </View>
      ) : null}
      <Button
        id='segments-add-condition'
        className='segments-add'
        size='mini'
        disabled={draft.conditions.length >= MAX_CONDITIONS || undefined}
        onClick={() => onChange({ ...draft, conditions: [...draft.conditions, blankCondition()] })}
      >
        + 添加条件
      </Button>
    </View>
  )
}
