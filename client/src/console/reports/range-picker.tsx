import { useState } from 'react'
import { Button, Picker, Text, View } from '@tarojs/components'
import type { Fail } from '../../../../types/result'
import { REPORT_RANGES, reportDays, type ReportRange } from './range'

type Issue = NonNullable<Fail['issues']>[number]

/**
 * 近7天 / 近30天 / 本月 load at once; 自定义 opens two date pickers and loads on 查询. The function
 * checks the range: its field errors (`issues` on from / to) show under the date they belong to.
 */
export default function RangePicker({ range, issues, onChange }: { range: ReportRange; issues: Issue[]; onChange: (range: ReportRange) => void }) {
  const [customOpen, setCustomOpen] = useState(range.id === 'custom')
  const [draft, setDraft] = useState(() => reportDays(range))
  const selected = customOpen ? 'custom' : range.id
  const today = reportDays({ id: '7d' }).to
  const issueOf = (field: 'from' | 'to') =>
    issues
      .filter(i => i.path === field)
      .map(i => i.message)
      .join('；')

  const pick = (id: (typeof REPORT_RANGES)[number]['id']) => {
    if (id === 'custom') {
      setDraft(reportDays(range))
      setCustomOpen(true)
      return
    }
    setCustomOpen(false)
    if (id !== range.id) onChange({ id })
  }

  return (
    <View>
      <View id='reports-ranges' className='console-chips' role='tablist'>
        {REPORT_RANGES.map(r => (
          <View
            key={r.id}
            id={`reports-range-${r.id}`}
            className={`console-chip ${r.id === selected ? 'console-chip-on' : ''}`}
            role='tab'
            aria-selected={r.id === selected ? 'true' : 'false'}
            onClick={() => pick(r.id)}
          >
            {r.label}
          </View>
        ))}
      </View>
      {customOpen ? (
        <View id='reports-custom' className='card report-custom'>
          {(['from', 'to'] as const).map(field => (
            <View key={field} className='report-custom-field'>
              <View className='m360-field'>
                <Text className='m360-field-label'>{field === 'from' ? '开始日期' : '结束日期'}</Text>
                <Picker
                  id={`reports-custom-${field}`}
                  className='m360-field-input'
                  mode='date'
                  value={draft[field]}
                  end={today}
                  onChange={e => setDraft(d => ({ ...d, [field]: String(e.detail.value) }))}
                >
                  <Text id={`reports-custom-${field}-value`}>{draft[field]}</Text>
                </Picker>
              </View>
              {issueOf(field) ? (
                <Text id={`reports-custom-${field}-error`} className='error-text'>
                  {issueOf(field)}
                </Text>
              ) : null}
            </View>
          ))}
          <Text className='muted report-custom-hint'>上海日期，含首尾，最多 366 天</Text>
          <Button id='reports-custom-submit' className='btn-primary' size='mini' onClick={() => onChange({ id: 'custom', from: draft.from, to: draft.to })}>
            查询
          </Button>
        </View>
      ) : null}
    </View>
  )
}
