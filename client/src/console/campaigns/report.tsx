import { useEffect, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import type { CampaignReport, GroupFigures } from '../../../../types/campaigns'
import { campaignsApi } from '../../services/console-campaigns'
import { failText } from '../../services/errors'
import { shanghaiDateText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import { errorOf } from '../member/form-utils'
import { groupThousands, svgDataUri } from '../format'
import { campaignStatusText, intervalText, money, points, rate, specOf } from './form-model'

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])
type Ready = { status: 'ready'; report: CampaignReport }

const ROWS: ReadonlyArray<{ id: string; label: string; cell: (g: GroupFigures) => string }> = [
  { id: 'members', label: '人数', cell: g => groupThousands(g.members) },
  { id: 'buyers', label: '购买人数', cell: g => groupThousands(g.buyers) },
  { id: 'conversion', label: '购买率', cell: g => rate(g.conversion) },
  { id: 'conversion95', label: '购买率 95% 区间', cell: g => intervalText(g.conversion95) },
  { id: 'purchases', label: '购买笔数', cell: g => groupThousands(g.purchases) },
  { id: 'spend', label: '消费（净额）', cell: g => money(g.spendFen) },
  { id: 'perMember', label: '人均消费', cell: g => money(g.spendPerMemberFen) },
]

/**
 * 效果: treated against holdout over the window — the chart the function drew (buyer rates and their
 * difference, each with its 95 % interval) and the numbers in a table. A start left unfinished can
 * be continued here with the campaign's own spec.
 */
export default function CampaignReportView(props: { campaignId: string; onDenied: () => void; onContinued: () => void }) {
  const [continuing, setContinuing] = useState<{ busy: boolean; error: string }>({ busy: false, error: '' })
  const { load, refresh } = usePageLoad(
    async () => {
      const res = await campaignsApi.report(props.campaignId)
      if (!res.ok && DENIED.has(res.code)) props.onDenied()
      return res
    },
    (report): Ready => ({ status: 'ready', report }),
  )
  useEffect(() => {
    void refresh(false)
  }, [refresh])

  if (load.status === 'loading')
    return (
      <View id='campaigns-report-loading' className='state muted'>
        加载效果…
      </View>
    )
  if (load.status === 'error')
    return (
      <View id='campaigns-report-error' className='card state'>
        <Text className='error-text'>{load.message}</Text>
        <Button id='campaigns-report-retry' className='btn-primary' onClick={() => void refresh(false)}>
          重试
        </Button>
      </View>
    )

  const { campaign, lift, coupons, messages, chart } = load.report
  const continueStart = async () => {
    setContinuing({ busy: true, error: '' })
    try {
      const res = await campaignsApi.start(specOf(campaign))
      setContinuing({ busy: false, error: res.ok ? '' : failText(res) })
      if (res.ok) {
        props.onContinued()
        void refresh(true)
      }
    } catch (err) {
      setContinuing({ busy: false, error: errorOf(err) })
    }
  }
  return (
    <View id='campaigns-report' className='card cp-report'>
      <Text id='campaigns-report-title' className='m360-section-title'>
        {campaign.name}
      </Text>
      <Text id='campaigns-report-meta' className='m360-item-sub'>
        {campaign.campaignId} · {campaignStatusText(campaign.status)} · {shanghaiDateText(campaign.startedAt)} 至 {shanghaiDateText(campaign.endsAt)} · 对照组 {campaign.holdoutPercent}%
        {load.report.final ? '' : ' · 观察期未结束，数字为中期结果'}
      </Text>
      {campaign.status === 'starting' ? (
        <View className='cp-note'>
          <Text>启动未完成：还有会员未发券。</Text>
          <Button id='campaigns-report-continue' size='mini' disabled={continuing.busy || undefined} onClick={() => void continueStart()}>
            {continuing.busy ? '发放中' : '继续开始'}
          </Button>
          {continuing.error ? <Text className='error-text'>{continuing.error}</Text> : null}
        </View>
      ) : null}
      <View id={`chart-${chart.id}`} className='chart-card cp-chart'>
        <Text className='chart-title'>{chart.title}</Text>
        <Image id='campaigns-report-chart' className='chart-image' src={svgDataUri(chart.svg)} mode='widthFix' />
      </View>
      <View id='campaigns-report-table' className='cp-table'>
        <View className='cp-tr cp-th'>
          <Text className='cp-td cp-td-label'>指标</Text>
          <Text className='cp-td'>触达组</Text>
          <Text className='cp-td'>对照组</Text>
        </View>
        {ROWS.map(r => (
          <View key={r.id} id={`campaigns-report-${r.id}`} className='cp-tr'>
            <Text className='cp-td cp-td-label'>{r.label}</Text>
            <Text className='cp-td'>{r.cell(lift.treated)}</Text>
            <Text className='cp-td'>{r.cell(lift.holdout)}</Text>
          </View>
        ))}
      </View>
      <View id='campaigns-report-lift' className='cp-lift'>
        <Text id='campaigns-report-diff' className='cp-line'>
          购买率差异：{points(lift.conversionDiff)}（95% 区间 {intervalText(lift.conversionDiff95, true)}）
        </Text>
        <Text id='campaigns-report-relative' className='cp-line'>
          相对提升：{lift.relativeLift === null ? '—（对照组无人购买）' : `${lift.relativeLift >= 0 ? '+' : ''}${rate(lift.relativeLift)}`}
        </Text>
        <Text id='campaigns-report-p' className='cp-line'>
          p 值：{lift.pValue === null ? '—' : lift.pValue < 0.001 ? '< 0.001' : lift.pValue.toFixed(3)}
          {lift.pValue !== null && lift.pValue < 0.05 ? '（显著）' : lift.pValue !== null ? '（不显著）' : ''}
        </Text>
        <Text id='campaigns-report-incremental' className='cp-line'>
          增量：约 {Math.round(lift.incrementalBuyers)} 位购买者，{money(lift.incrementalSpendFen)}
        </Text>
        {coupons ? (
          <Text id='campaigns-report-coupons' className='cp-line'>
            券：发出 {coupons.issued} 张，已用 {coupons.used} 张，未发 {coupons.skipped} 人
          </Text>
        ) : null}
        {messages ? (
          <Text id='campaigns-report-messages' className='cp-line'>
            消息：已发送 {messages.sent}，失败 {messages.failed}，待发 {messages.pending}（触达组 {messages.treated} 人）
          </Text>
        ) : null}
      </View>
    </View>
  )
}
