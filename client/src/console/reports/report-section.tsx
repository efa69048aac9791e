import { Image, Text, View } from '@tarojs/components'
import type { ChartView } from '../../../../types/console'
import type { ConsoleReport, ConsoleReportSection, ReportSectionId } from '../../../../types/report'
import { svgDataUri } from '../format'
import ReportTableView from './report-table'
import { isSectionEmpty, sectionFigures } from './tables'

const EMPTY_TEXT: Record<ReportSectionId, string> = {
  stageTier: '还没有会员',
  newMembers: '区间内没有新会员',
  repurchase: '区间内没有消费',
  ltv: '还没有会员',
  cohorts: '区间内没有新入会的会员',
  coupons: '区间内没有发出的券',
  checkins: '区间内没有签到',
  points: '区间内没有积分变动',
  reminders: '区间内没有发送提醒',
  nps: '区间内没有评价',
}
const STORE_EMPTY_TEXT: Partial<Record<ReportSectionId, string>> = {
  stageTier: '还没有会员在本店消费',
  ltv: '还没有会员在本店消费',
  repurchase: '区间内本店没有消费',
  coupons: '区间内本店没有核销券',
}

/**
 * One section of the 报表: its title and what it counts, then the chart the function drew (an SVG
 * image) beside its figures; "仅品牌管理员可见" for a section a store manager does not get, and a
 * short line when the range has nothing for it.
 */
export default function ReportSection({ section, answer, chart }: { section: ConsoleReportSection; answer: ConsoleReport; chart: ChartView | undefined }) {
  const { id } = section
  const figures = sectionFigures(id, answer)
  const store = answer.scope.kind === 'store'
  return (
    <View id={`reports-section-${id}`} className='card report-section'>
      <Text className='report-section-title'>{section.title}</Text>
      <Text id={`reports-${id}-note`} className='report-note'>
        {section.note}
      </Text>
      {!figures ? (
        <View id={`reports-${id}-brand-only`} className='report-brand-only'>
          <Text>仅品牌管理员可见</Text>
        </View>
      ) : isSectionEmpty(id, answer) ? (
        <View id={`reports-${id}-empty`} className='report-empty muted'>
          <Text>{(store && STORE_EMPTY_TEXT[id]) || EMPTY_TEXT[id]}</Text>
        </View>
      ) : (
        <View className='report-body'>
          {chart ? (
            <View className='report-chart'>
              <Image id={`reports-${id}-chart`} className='chart-image' src={svgDataUri(chart.svg)} mode='widthFix' />
            </View>
          ) : null}
          <View className='report-figures'>
            {figures.stats.length ? (
              <View id={`reports-${id}-stats`} className='report-stats'>
                {figures.stats.map(s => (
                  <View key={s.id} id={`reports-${id}-stat-${s.id}`} className='report-stat'>
                    <Text className='report-stat-label'>{s.label}</Text>
                    <Text className='report-stat-value'>{s.value}</Text>
                  </View>
                ))}
              </View>
            ) : null}
            {figures.tables.map(t => (
              <ReportTableView key={t.id} table={t} />
            ))}
          </View>
        </View>
      )}
    </View>
  )
}
