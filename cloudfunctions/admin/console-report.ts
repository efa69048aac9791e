/**
 * What `admin.consoleReport` (the console's 报表) answers around the figures report.ts loads: the
 * sections in order with what each counts, the ones a store manager does not get (brand-wide only),
 * and one chart per section drawn here as SVG (option builders in domain/report-charts.ts, shared with
 * `npm run report`), which the mini-program shows as images.
 */
import type { ChartView } from '../../types/console'
import type { ConsoleReport, ReportResult, ReportSectionId, StoreReport } from '../../types/report'
import { BRAND_ONLY_SECTIONS, consoleReportSections } from '../../domain/report'
import { reportCharts, storeReportCharts, type ChartSpec } from '../../domain/report-charts'
import { chartSvg } from '../shared/charts'

/** The console's charts are narrower than the HTML report's (900): they fill a phone or half a desktop window. */
const CHART_WIDTH = 720

function drawn(charts: Array<{ id: ReportSectionId; chart: ChartSpec | null }>, titles: Map<ReportSectionId, string>): ChartView[] {
  return charts.flatMap(({ id, chart }) => (chart ? [{ id, title: titles.get(id) ?? id, svg: chartSvg(chart.option, CHART_WIDTH, chart.height) }] : []))
}

export function brandConsoleReport(report: ReportResult, followUpDays: number): ConsoleReport {
  const sections = consoleReportSections('brand', followUpDays)
  return {
    scope: { kind: 'brand' },
    from: report.range.from,
    to: report.range.to,
    sections,
    brandOnly: [],
    report,
    charts: drawn(reportCharts(report), new Map(sections.map(s => [s.id, s.title]))),
  }
}

export function storeConsoleReport(report: StoreReport, store: { storeId: string; storeName: string }, followUpDays: number): ConsoleReport {
  const sections = consoleReportSections('store', followUpDays)
  return {
    scope: { kind: 'store', ...store },
    from: report.range.from,
    to: report.range.to,
    sections,
    brandOnly: [...BRAND_ONLY_SECTIONS],
    report,
    charts: drawn(storeReportCharts(report), new Map(sections.map(s => [s.id, s.title]))),
  }
}
