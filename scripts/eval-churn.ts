/**
 * `npm run eval:churn -- --transactions <file> --calibration-end <YYYY-MM-DD> --holdout-end <YYYY-MM-DD> [--period-days 7]`
 * Fits BG/NBD (and Gamma-Gamma) on the calibration period and checks the forecasts against the holdout.
 * Input: CSV `customer_id,timestamp,amount` (naive timestamps are read as UTC, days are UTC dates),
 * or as they come the CDNOW_sample.txt and UCI Online Retail (.csv.gz) files, recognised by content.
 */
import { readFileSync } from 'fs'
import { gunzipSync } from 'zlib'
import {
  auc,
  conditionalExpectedPurchases,
  dayNumber,
  fitBgNbd,
  fitGammaGamma,
  holdoutPeriods,
  probabilityAlive,
  probabilityNoPurchase,
  summarizeCustomers,
  type BgNbdFit,
  type GammaGammaFit,
  type TransactionRow,
} from '../domain/clv'
import { parseTimestamp, splitCsv } from './csv'
import { runCli } from './cli'

const USAGE = 'usage: npm run eval:churn -- --transactions <file> --calibration-end <YYYY-MM-DD> --holdout-end <YYYY-MM-DD> [--period-days 7]'
const RECENT_DAYS = 30

export interface EvalChurnOptions {
  transactions: string
  calibrationEnd: string
  holdoutEnd: string
  periodDays?: number
}

export interface ChurnEvaluation {
  format: 'cdnow' | 'online-retail' | 'csv'
  customers: number
  calibrationRepeat: number
  holdoutPeriods: number
  bgNbd: BgNbdFit
  gammaGamma: GammaGammaFit | null
  holdout: { predicted: number; actual: number }
  /** Grouped by calibration frequency x = 0 … 6, 7+. */
  byFrequency: Array<{ frequency: string; customers: number; predicted: number; actual: number }>
  /** Share of customers with no holdout purchase: the "churned" label the AUCs predict. */
  noPurchaseShare: number
  /**
   * pAlive scores everyone with 1 − P(alive); the model gives P(alive) = 1 to every customer without
   * a repeat purchase, so where one-time buyers mostly lapse (CDNOW) this AUC falls below 0.5.
   * Hence also: the same score among repeat buyers, and the model's P(no purchase in the holdout).
   */
  auc: { pAlive: number; pAliveRepeatBuyers: number; pNoPurchase: number; recent30: number }
}

export class UsageError extends Error {}

export function parseEvalArgs(argv: string[]): Required<EvalChurnOptions> {
  const values: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2)
    if (!['--transactions', '--calibration-end', '--holdout-end', '--period-days'].includes(flag)) throw new UsageError(USAGE)
    const value = inline ?? argv[++i]
    if (value === undefined || value.startsWith('--')) throw new UsageError(USAGE)
    values[flag.slice(2)] = value
  }
  const { transactions, 'calibration-end': calibrationEnd, 'holdout-end': holdoutEnd } = values
  const periodDays = Number(values['period-days'] ?? 7)
  // a real calendar day: Date would roll 2024-02-30 over into March
  const isDay = (s?: string) => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(Date.parse(`${s}T00:00:00Z`) || 0).toISOString().startsWith(s)
  if (!transactions || !isDay(calibrationEnd) || !isDay(holdoutEnd) || !(periodDays > 0)) throw new UsageError(USAGE)
  if (dayNumber(holdoutEnd) <= dayNumber(calibrationEnd)) throw new UsageError(USAGE)
  return { transactions, calibrationEnd, holdoutEnd, periodDays }
}

export function loadTransactions(file: string): { format: ChurnEvaluation['format']; rows: TransactionRow[] } {
  let bytes = readFileSync(file)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const lines = bytes
    .toString('utf8')
    .split(/\r?\n/)
    .filter(l => l.trim() !== '')
  const head = (lines[0] ?? '').trim()
  if (/^\d+\s+\d+\s+\d{8}\s+\d+\s+[\d.]+$/.test(head)) {
    // CDNOW: master id, customer id, YYYYMMDD, CDs, dollars
    const rows = lines.map(l => {
      const [, id, ymd, , dollars] = l.trim().split(/\s+/)
      return { customerId: id, timestamp: Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8)), amount: Number(dollars) }
    })
    return { format: 'cdnow', rows }
  }
  if (head.startsWith('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID')) {
    // one transaction per invoice: drop anonymous rows, cancellations (C…), returns and free lines
    const invoices = new Map<string, TransactionRow>()
    for (let i = 1; i < lines.length; i++) {
      const [invoice, , , quantity, date, price, customer] = splitCsv(lines[i])
      const q = Number(quantity)
      const p = Number(price)
      if (!customer || invoice.startsWith('C') || !(q > 0) || !(p > 0)) continue
      const row = invoices.get(invoice)
      if (row) row.amount += q * p
      else invoices.set(invoice, { customerId: customer.replace(/\.0$/, ''), timestamp: parseTimestamp(date, `line ${i + 1}`), amount: q * p })
    }
    return { format: 'online-retail', rows: [...invoices.values()] }
  }
  if (head.replace(/\s/g, '') === 'customer_id,timestamp,amount') {
    const rows = lines.slice(1).map((l, i) => {
      const [customerId, timestamp, amount] = splitCsv(l)
      if (!customerId || !Number.isFinite(Number(amount))) throw new Error(`line ${i + 2}: expected customer_id,timestamp,amount`)
      return { customerId, timestamp: parseTimestamp(timestamp ?? '', `line ${i + 2}`), amount: Number(amount) }
    })
    return { format: 'csv', rows }
  }
  throw new Error(`${file}: not a customer_id,timestamp,amount CSV, CDNOW_sample.txt or Online Retail file`)
}

export function evaluateChurn(options: EvalChurnOptions): ChurnEvaluation {
  const { transactions, calibrationEnd, holdoutEnd, periodDays = 7 } = options
  const { format, rows } = loadTransactions(transactions)
  const customers = summarizeCustomers(rows, { calibrationEnd, holdoutEnd, periodDays })
  if (customers.length === 0) throw new Error(`no customer bought on or before ${calibrationEnd}`)
  const bgNbd = fitBgNbd(customers)
  let gammaGamma: GammaGammaFit | null = null
  if (customers.some(c => c.x > 0 && c.zbar > 0)) gammaGamma = fitGammaGamma(customers)
  const horizon = holdoutPeriods(calibrationEnd, holdoutEnd, periodDays)
  const predicted = customers.map(c => conditionalExpectedPurchases(bgNbd, horizon, c))
  const groups = ['0', '1', '2', '3', '4', '5', '6', '7+'].map(frequency => ({ frequency, customers: 0, predicted: 0, actual: 0 }))
  customers.forEach((c, i) => {
    const g = groups[Math.min(c.x, 7)]
    g.customers++
    g.predicted += predicted[i]
    g.actual += c.holdout
  })
  const churned = customers.map(c => c.holdout === 0)
  const calEnd = dayNumber(calibrationEnd)
  const repeat = customers.filter(c => c.x > 0)
  return {
    format,
    customers: customers.length,
    calibrationRepeat: customers.reduce((s, c) => s + c.x, 0),
    holdoutPeriods: horizon,
    bgNbd,
    gammaGamma,
    holdout: { predicted: predicted.reduce((s, p) => s + p, 0), actual: customers.reduce((s, c) => s + c.holdout, 0) },
    byFrequency: groups,
    noPurchaseShare: churned.filter(Boolean).length / customers.length,
    auc: {
      pAlive: auc(
        customers.map(c => 1 - probabilityAlive(bgNbd, c)),
        churned,
      ),
      pAliveRepeatBuyers: auc(
        repeat.map(c => 1 - probabilityAlive(bgNbd, c)),
        repeat.map(c => c.holdout === 0),
      ),
      pNoPurchase: auc(
        customers.map(c => probabilityNoPurchase(bgNbd, horizon, c)),
        churned,
      ),
      recent30: auc(
        customers.map(c => (calEnd - dayNumber(c.lastDay) >= RECENT_DAYS ? 1 : 0)),
        churned,
      ),
    },
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function formatReport(e: ChurnEvaluation, o: Required<EvalChurnOptions>): string {
  const f = (n: number, d = 4) => n.toFixed(d)
  const g = (n: number) => n.toPrecision(4)
  const { r, alpha, a, b, logLikelihood } = e.bgNbd
  const gg = e.gammaGamma
  return [
    `input: ${o.transactions} (${e.format}); calibration to ${o.calibrationEnd}, holdout to ${o.holdoutEnd} (${f(e.holdoutPeriods, 2)} periods of ${o.periodDays} days)`,
    `customers: ${e.customers} (first purchase on or before calibration end); repeat transactions in calibration: ${e.calibrationRepeat}`,
    '',
    table(
      ['model', 'parameters', 'log-likelihood'],
      [
        ['BG/NBD', `r=${g(r)} alpha=${g(alpha)} a=${g(a)} b=${g(b)} (mean dropout a/(a+b)=${g(a / (a + b))})`, f(logLikelihood, 2)],
        ['Gamma-Gamma', gg ? `p=${g(gg.p)} q=${g(gg.q)} gamma=${g(gg.gamma)}` : '(no repeat buyers)', gg ? f(gg.logLikelihood, 2) : '-'],
      ],
    ),
    // a → 0 with b → ∞ is a ridge: only a/(a+b) ≈ 0 is identified, the separate values are arbitrary
    ...(a / (a + b) < 1e-3 ? ['(no dropout detected: the BG/NBD optimum is the NBD limit; a and b on their own are not meaningful)'] : []),
    '',
    'holdout repeat transactions, predicted vs actual, by calibration frequency:',
    table(
      ['x', 'customers', 'predicted', 'actual'],
      [...e.byFrequency.map(g => [g.frequency, String(g.customers), f(g.predicted, 1), String(g.actual)]), ['total', String(e.customers), f(e.holdout.predicted, 1), String(e.holdout.actual)]],
    ),
    '',
    `AUC for "no purchase in the holdout" (${f(100 * e.noPurchaseShare, 1)} % of customers):`,
    table(
      ['score', 'AUC'],
      [
        ['1 - P(alive) (BG/NBD), all customers', f(e.auc.pAlive)],
        ['1 - P(alive), repeat buyers only (x > 0)', f(e.auc.pAliveRepeatBuyers)],
        ['P(no purchase in the holdout) (BG/NBD)', f(e.auc.pNoPurchase)],
        [`no purchase in the last ${RECENT_DAYS} days of calibration`, f(e.auc.recent30)],
      ],
    ),
    '(BG/NBD sets P(alive) = 1 for customers without a repeat purchase, whatever their silence since.)',
  ].join('\n')
}

if (require.main === module) void runCli(parseEvalArgs, options => console.log(formatReport(evaluateChurn(options), options)), { prefix: 'eval-churn: ' })
