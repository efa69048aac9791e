import { useEffect, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { AttributionOutputs, AttributionRow, ChannelKind } from '../../../../types/attribution'
import { failText } from '../../services/errors'
import { attributionApi } from '../../services/console-attribution'
import { formatKpi, groupThousands } from '../format'
import { posterTexts, savePoster } from './poster'
import ReportTableView from './report-table'
import type { ReportTable } from './tables'
import './attribution.css'

type Report = AttributionOutputs['attributionReport']
type Channel = AttributionOutputs['listChannels']['channels'][number]
type Load = { status: 'loading' } | { status: 'denied' } | { status: 'error'; message: string } | { status: 'ready'; report: Report; channels: Channel[] }

/** CHANNEL_KIND_LABELS in types/attribution.ts (not imported: that module brings zod into the bundle). */
export const KIND_LABELS: Record<ChannelKind, string> = { store: '门店码', staff: '店员码', campaign: '活动码' }

const HEAD = ['', '新会员', '90 天内消费人数', '90 天实付', '人均', '未满 90 天']

/** One grouping as a 报表 table (rows as the function ordered them: most new members first). */
export function attributionTable(id: string, first: string, rows: AttributionRow[], label: (r: AttributionRow) => string = r => r.name): ReportTable {
  return {
    id,
    head: [first, ...HEAD.slice(1)],
    rows: rows.map(r => ({
      key: r.key,
      cells: [
        label(r),
        groupThousands(r.newMembers),
        groupThousands(r.buyers),
        formatKpi({ value: r.value90Fen, unit: 'fen' }),
        formatKpi({ value: r.avgValue90Fen, unit: 'fen' }),
        groupThousands(r.openWindows),
      ],
    })),
  }
}

/**
 * 报表 → 拉新归因: members who joined in the range by the 渠道码 of their first sign-in (channel,
 * store, staff) and what they paid in their first 90 days; then every code with 保存海报 (a PNG
 * poster: poster.ts) and 打印 (the code image and its name on a printable card). Brand admins only:
 * a store manager sees 仅品牌管理员可见.
 */
export default function AttributionSection({ from, to }: { from: string; to: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [printing, setPrinting] = useState<Channel | null>(null)

  useEffect(() => {
    let current = true
    setLoad({ status: 'loading' })
    Promise.all([attributionApi.report(from, to), attributionApi.channels()])
      .then(([report, channels]) => {
        if (!current) return
        if (!report.ok && (report.code === 'PERMISSION_DENIED' || report.code === 'UNAUTHENTICATED')) setLoad({ status: 'denied' })
        else if (!report.ok) setLoad({ status: 'error', message: failText(report) })
        else setLoad({ status: 'ready', report: report.data, channels: channels.ok ? channels.data.channels : [] })
      })
      .catch(err => current && setLoad({ status: 'error', message: err instanceof Error && err.message ? err.message : '网络异常，请稍后重试' }))
    return () => {
      current = false
    }
  }, [from, to])

  const [saving, setSaving] = useState<string | null>(null)
  const saveAsPng = async (c: Channel) => {
    if (saving) return
    setSaving(c.channelId)
    try {
      await savePoster(c)
      void Taro.showToast({ title: process.env.TARO_ENV === 'h5' ? '海报已下载' : '海报已保存到相册', icon: 'success' })
    } catch (err) {
      const message = err instanceof Error && err.message ? err.message : '海报生成失败'
      // the mini-program's own failures (a cancelled album permission) read errMsg
      const cancelled = /cancel|deny|auth/i.test(message)
      void Taro.showModal({ title: '海报未保存', content: cancelled ? '需要允许保存到相册，请在设置中开启后重试' : message, showCancel: false })
    } finally {
      setSaving(null)
    }
  }

  const card = printing ? posterTexts(printing) : null
  const print = (c: Channel) => {
    if (process.env.TARO_ENV === 'h5') {
      setPrinting(c)
      // the browser prints the card (attribution.css hides the rest of the page)
      setTimeout(() => typeof window !== 'undefined' && window.print?.(), 300)
    } else if (c.url) {
      // the mini-program: the image opens full screen, to save and print
      void Taro.previewImage({ urls: [c.url] }).catch(() => undefined)
    }
  }

  return (
    <View id='reports-section-attribution' className='card report-section'>
      <Text className='report-section-title'>拉新归因</Text>
      <Text id='reports-attribution-note' className='report-note'>
        区间内入会的会员按首次进入的渠道码（门店、店员、活动）分组；90 天实付为入会后 90 天内的实付金额（扣除退款）
      </Text>
      {load.status === 'loading' ? (
        <View className='report-empty muted'>
          <Text>加载中…</Text>
        </View>
      ) : load.status === 'denied' ? (
        <View id='reports-attribution-brand-only' className='report-brand-only'>
          <Text>仅品牌管理员可见</Text>
        </View>
      ) : load.status === 'error' ? (
        <View id='reports-attribution-error' className='error-text'>
          <Text>{load.message}</Text>
        </View>
      ) : (
        <View className='report-figures'>
          <View id='reports-attribution-stats' className='report-stats'>
            <View className='report-stat'>
              <Text className='report-stat-label'>新会员</Text>
              <Text id='reports-attribution-joined' className='report-stat-value'>
                {groupThousands(load.report.joined)}
              </Text>
            </View>
            <View className='report-stat'>
              <Text className='report-stat-label'>经渠道码</Text>
              <Text id='reports-attribution-attributed' className='report-stat-value'>
                {groupThousands(load.report.attributed)}
              </Text>
            </View>
          </View>
          {load.report.attributed === 0 ? (
            <View id='reports-attribution-empty' className='report-empty muted'>
              <Text>区间内没有经渠道码入会的会员</Text>
            </View>
          ) : (
            <>
              <ReportTableView table={attributionTable('attr-channel', '渠道', load.report.byChannel, r => `${r.name}（${KIND_LABELS[(r as AttributionRow & { kind: ChannelKind }).kind]}）`)} />
              <ReportTableView table={attributionTable('attr-store', '门店', load.report.byStore)} />
              <ReportTableView table={attributionTable('attr-staff', '店员', load.report.byStaff)} />
            </>
          )}
          <Text className='attr-codes-title'>渠道码</Text>
          {load.channels.length === 0 ? (
            <Text id='reports-attribution-no-codes' className='muted'>
              还没有渠道码：用 npm run admin -- createChannelCode 生成
            </Text>
          ) : (
            load.channels.map(c => (
              <View key={c.channelId} id={`attr-code-${c.channelId}`} className='attr-code'>
                <Text className='attr-code-name'>
                  {c.name}（{KIND_LABELS[c.kind]}
                  {c.storeName ? ` · ${c.storeName}` : ''}）
                </Text>
                <View className='attr-code-actions'>
                  <Button id={`attr-poster-save-${c.channelId}`} size='mini' disabled={!c.url || saving !== null} onClick={() => void saveAsPng(c)}>
                    {saving === c.channelId ? '生成中…' : '保存海报'}
                  </Button>
                  <Button id={`attr-print-${c.channelId}`} size='mini' disabled={!c.url} onClick={() => print(c)}>
                    打印
                  </Button>
                </View>
              </View>
            ))
          )}
        </View>
      )}
      {printing?.url ? (
        <View id='attr-poster' className='attr-poster'>
          <Image className='attr-poster-code' src={printing.url} mode='widthFix' />
          <Text className='attr-poster-name'>{card?.name}</Text>
          <Text className='attr-poster-sub'>{card?.sub}</Text>
          <Text className='attr-poster-hint'>{card?.hint}</Text>
          <Button id='attr-poster-close' className='attr-poster-close' size='mini' onClick={() => setPrinting(null)}>
            关闭
          </Button>
        </View>
      ) : null}
    </View>
  )
}
