import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import type { ConsoleHome } from '../../../../types/console'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { consoleApi } from '../../services/console'
import { PageLoading } from '../../components/page-state'
import ConsoleDenied from '../components/denied'
import ConsoleSections from '../components/sections'
import { RANGES, formatKpi, rangeDays, svgDataUri, type RangeId } from '../format'
import '../console.css'

type State = { status: 'loading' } | { status: 'denied' } | { status: 'error'; message: string } | { status: 'ready'; home: ConsoleHome }

/** Nothing happened in the range: no KPI has a value other than 0. */
function isEmpty(home: ConsoleHome): boolean {
  return home.kpis.every(k => k.value === null || k.value === 0)
}

/**
 * 概览: the operator's KPIs and trend charts for a range of Shanghai days (近7天 / 近30天 / 本月),
 * for the whole brand or, for a store manager, their store. The charts are SVG the function drew,
 * shown as images (no chart library in the package).
 */
export default function ConsoleHomePage() {
  const [range, setRange] = useState<RangeId>('7d')
  const [state, setState] = useState<State>({ status: 'loading' })
  const [refreshing, setRefreshing] = useState(false)
  const seq = useRef(0)

  const load = useCallback(async (r: RangeId) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++seq.current
    setRefreshing(true)
    const { from, to } = rangeDays(r)
    try {
      const res = await consoleApi.home(from, to)
      if (mine !== seq.current) return
      if (res.ok) setState({ status: 'ready', home: res.data })
      else if (res.code === 'PERMISSION_DENIED' || res.code === 'UNAUTHENTICATED') setState({ status: 'denied' })
      else setState({ status: 'error', message: failText(res) })
    } catch (err) {
      if (mine !== seq.current) return
      setState({ status: 'error', message: err instanceof Error && err.message ? err.message : '加载失败，请重试' })
    } finally {
      if (mine === seq.current) setRefreshing(false)
    }
  }, [])

  useEffect(() => {
    void load(range)
  }, [load, range])

  if (state.status === 'denied') return <ConsoleDenied />
  if (state.status === 'loading') return <PageLoading id='console-loading' />

  const home = state.status === 'ready' ? state.home : null
  const scopeText = home ? (home.scope.kind === 'brand' ? '全品牌' : home.scope.storeName) : ''
  return (
    <View className='console-page'>
      <View className='console-header'>
        <View>
          <Text className='console-title'>概览</Text>
          {home ? (
            <Text id='console-scope' className='console-scope'>
              {scopeText}
            </Text>
          ) : null}
        </View>
      </View>

      <ConsoleSections brand={home?.scope.kind !== 'store'} />

      <View id='console-ranges' className='console-chips' role='tablist'>
        {RANGES.map(r => (
          <View
            key={r.id}
            id={`console-range-${r.id}`}
            className={`console-chip ${r.id === range ? 'console-chip-on' : ''}`}
            role='tab'
            aria-selected={r.id === range ? 'true' : 'false'}
            onClick={() => {
              if (r.id !== range) setRange(r.id)
            }}
          >
            {r.label}
          </View>
        ))}
        {home ? (
          <Text id='console-range-days' className='console-range muted'>
            {home.from} 至 {home.to}
            {refreshing ? ' · 刷新中…' : ''}
          </Text>
        ) : null}
      </View>

      {state.status === 'error' ? (
        <View id='console-error' className='card state'>
          <Text className='error-text'>{state.message}</Text>
          <Button id='console-retry' className='btn-primary' onClick={() => void load(range)}>
            重试
          </Button>
        </View>
      ) : home && isEmpty(home) ? (
        <View id='console-empty' className='card console-empty'>
          <Text className='console-title'>暂无数据</Text>
          <View>
            <Text className='muted'>
              {home.from} 至 {home.to} 还没有会员和消费。换一个时间范围看看，或先去会员页查找会员。
            </Text>
          </View>
        </View>
      ) : home ? (
        <View>
          <View id='console-kpis' className='kpi-grid'>
            {home.kpis.map(k => (
              <View key={k.id} id={`kpi-${k.id}`} className='kpi-card'>
                <Text className='kpi-label'>{k.label}</Text>
                <Text id={`kpi-${k.id}-value`} className='kpi-value'>
                  {formatKpi(k)}
                </Text>
                {k.hint ? (
                  <Text id={`kpi-${k.id}-hint`} className='kpi-hint'>
                    {k.hint}
                  </Text>
                ) : null}
              </View>
            ))}
          </View>
          <View id='console-charts' className='chart-list'>
            {home.charts.map(c => (
              <View key={c.id} id={`chart-${c.id}`} className='chart-card'>
                <Text className='chart-title'>{c.title}</Text>
                <Image id={`chart-${c.id}-image`} className='chart-image' src={svgDataUri(c.svg)} mode='widthFix' />
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  )
}
