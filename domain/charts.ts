/**
 * ECharts option builders shared by the offline report (scripts/report.ts) and the operator console
 * (cloudfunctions/admin/console.ts): the same look everywhere. No echarts import here — each side
 * passes its own echarts build to `renderSvg` (the function bundles a small tree-shaken one,
 * cloudfunctions/shared/charts.ts; the CLI the full package).
 */

export const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
export const COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc']

export const legend = (data: string[]) => ({ top: 8, data })
export const category = (data: string[], rotate = 0) => ({ type: 'category', data, axisLabel: { rotate, interval: 'auto' } })
export const valueAxis = (name = '') => ({ type: 'value', name, minInterval: 1 })
export const bar = (name: string, data: number[], extra: Record<string, unknown> = {}) => ({
  type: 'bar',
  name,
  data,
  label: data.length <= 16 ? { show: true, position: 'top' } : undefined,
  ...extra,
})
export const line = (name: string, data: number[], extra: Record<string, unknown> = {}) => ({ type: 'line', name, data, showSymbol: data.length <= 62, ...extra })

/** The common look: no animation (server-side), the palette and Chinese fonts, room for axis names. */
export function themed(option: Record<string, unknown>): Record<string, unknown> {
  return { animation: false, color: COLORS, textStyle: { fontFamily: FONT }, grid: { left: 64, right: 24, top: 48, bottom: 56 }, tooltip: { show: false }, ...option }
}

/** The part of echarts `renderSvg` uses (echarts' own types differ between its builds). */
export interface EchartsLike {
  init(
    dom: null,
    theme: null,
    opts: { renderer: 'svg'; ssr: true; width: number; height: number },
  ): {
    setOption(option: Record<string, unknown>): void
    renderToSVGString(): string
    dispose(): void
  }
}

/** One chart as an SVG string, rendered server-side (no DOM, no animation). */
export function renderSvg(echarts: EchartsLike, option: Record<string, unknown>, width = 900, height = 320): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(themed(option))
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
