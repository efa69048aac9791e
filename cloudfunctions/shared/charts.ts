/**
 * Charts drawn by a function: ECharts renders SVG markup server-side (no DOM), which the console shows
 * as an image — the mini-program carries no chart library. Only the chart types and components used
 * are bundled (echarts/core, tree-shaken).
 */
import * as echarts from 'echarts/core'
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, VisualMapComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'
import { renderSvg, type EchartsLike } from '../../domain/charts'

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, LegendComponent, TitleComponent, VisualMapComponent, SVGRenderer])

export function chartSvg(option: Record<string, unknown>, width = 900, height = 320): string {
  return renderSvg(echarts as unknown as EchartsLike, option, width, height)
}
