import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { ConsoleReport } from '../../../../types/report'
import type { Fail } from '../../../../types/result'
import { reportsApi } from '../../services/console-reports'
import { usePageLoad } from '../../utils/use-page-load'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import RangePicker from './range-picker'
import { reportDays, type ReportRange } from './range'
import ReportSection from './report-section'
import AttributionSection from './attribution-section'
import '../console.css'
import './reports.css'

type Issue = NonNullable<Fail['issues']>[number]

/**
 * 报表: every section of the business report for a range of Shanghai days — the chart the function
 * drew (SVG, shown as an image) and the figures under it. A store manager gets their store's
 * sections; the brand-wide ones say 仅品牌管理员可见 (the function decides which).
 */
export default function ConsoleReportsPage() {
  const [range, setRange] = useState<ReportRange>({ id: '7d' })
  const [denied, setDenied] = useState(false)
  const [issues, setIssues] = useState<Issue[]>([])
  const { load, setLoad, refresh } = usePageLoad(
    async () => {
      const { from, to } = reportDays(range)
      const res = await reportsApi.report(from, to)
      setDenied(!res.ok && (res.code === 'PERMISSION_DENIED' || res.code === 'UNAUTHENTICATED'))
      setIssues(res.ok ? [] : (res.issues ?? []))
      return res
    },
    (answer: ConsoleReport) => ({ status: 'ready' as const, answer }),
  )

  useEffect(() => {
    // a new range replaces what is shown (its figures, or its error) rather than keeping the old range's
    setLoad({ status: 'loading' })
    void refresh(false)
  }, [range, setLoad, refresh])

  if (denied) return <ConsoleDenied />

  const answer = load.status === 'ready' ? load.answer : null
  return (
    <View className='console-page'>
      <ConsoleHeader title='报表'>
        {answer ? (
          <Text id='reports-scope' className='console-scope'>
            {answer.scope.kind === 'brand' ? '全品牌' : answer.scope.storeName}
          </Text>
        ) : null}
      </ConsoleHeader>

      <RangePicker range={range} issues={issues} onChange={setRange} />
      {answer ? (
        <Text id='reports-range-days' className='console-range muted'>
          {answer.from} 至 {answer.to}
        </Text>
      ) : null}

      {load.status === 'loading' ? (
        <View id='reports-loading' className='state muted'>
          加载中…
        </View>
      ) : load.status === 'error' ? (
        <View id='reports-error' className='card state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='reports-retry' className='btn-primary' onClick={() => void refresh(false)}>
            重试
          </Button>
        </View>
      ) : answer ? (
        <View id='reports-sections' className='report-list'>
          {answer.sections.map(s => (
            <ReportSection key={s.id} section={s} answer={answer} chart={answer.charts.find(c => c.id === s.id)} />
          ))}
          {answer.scope.kind === 'brand' ? <AttributionSection from={answer.from} to={answer.to} /> : null}
        </View>
      ) : null}
    </View>
  )
}
