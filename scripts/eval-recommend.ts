/**
 * `npm run eval:recommend -- --transactions <file> (--split <YYYY-MM-DD> | --leave-last) [--k 10]`
 * Offline evaluation of the recommender (item neighbours + per-member scoring) against a popularity
 * baseline on the same customers; both recommend only items the customer has not bought before.
 * Input: CSV `customer_id,item_id,timestamp` with optional `quantity,price,category` columns (any
 * order; rows of one customer at one timestamp are one basket; naive timestamps are UTC), or the UCI
 * Online Retail file as it comes (.csv.gz), recognised by its header.
 */
import { readFileSync } from 'fs'
import { gunzipSync } from 'zlib'
import { parseTimestamp, splitCsv } from './csv'
import {
  createRecommender,
  itemNeighbors,
  leaveLastBasket,
  popularNotBought,
  popularity,
  popularityRanking,
  scoreRecommendations,
  splitByDate,
  type Basket,
  type CatalogItem,
  type EvaluationSplit,
  type RankingMetrics,
} from '../domain/recommend'
import { runCli } from './cli'

const USAGE = 'usage: npm run eval:recommend -- --transactions <csv> (--split <YYYY-MM-DD> | --leave-last) [--k 10]'
/** The recommender's popularity prior: buyers weighted by a 30-day half-life ("popular lately"). */
const PRIOR_HALF_LIFE_DAYS = 30

export interface EvalRecommendOptions {
  transactions: string
  /** Train before this UTC day, test from it on. */
  split?: string
  /** Test on each customer's last basket instead. */
  leaveLast?: boolean
  k?: number
}

export interface LoadedTransactions {
  format: 'online-retail' | 'csv'
  /** Customer → baskets (an invoice for Online Retail, a customer-timestamp for the CSV). */
  baskets: Map<string, Basket[]>
  /** Item → category (Online Retail: the first 3 digits of the stock code) and title. */
  items: Map<string, CatalogItem>
}

export interface RecommendEvaluation {
  format: LoadedTransactions['format']
  protocol: string
  k: number
  customers: number
  /** Items bought in the training part: what either model can recommend. */
  catalogSize: number
  recommender: RankingMetrics
  popularity: RankingMetrics
  /** Recommender over baseline. */
  ratio: { hitRate: number; ndcg: number }
}

export class UsageError extends Error {}

const isDay = (s?: string) => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(Date.parse(`${s}T00:00:00Z`) || 0).toISOString().startsWith(s)

export function parseEvalArgs(argv: string[]): EvalRecommendOptions & { k: number } {
  const values: Record<string, string> = {}
  let leaveLast = false
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2)
    if (flag === '--leave-last' && inline === undefined) {
      if (leaveLast) throw new UsageError(USAGE)
      leaveLast = true
      continue
    }
    if (!['--transactions', '--split', '--k'].includes(flag) || flag.slice(2) in values) throw new UsageError(USAGE)
    const value = inline ?? argv[++i]
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(USAGE)
    values[flag.slice(2)] = value
  }
  const { transactions, split } = values
  const k = Number(values.k ?? 10)
  if (!transactions || !(Number.isInteger(k) && k >= 1)) throw new UsageError(USAGE)
  if (leaveLast === (split !== undefined) || (split !== undefined && !isDay(split))) throw new UsageError(USAGE)
  return leaveLast ? { transactions, leaveLast, k } : { transactions, split, k }
}

/** Collects rows into baskets keyed by customer and basket key. */
class BasketBuilder {
  private readonly byCustomer = new Map<string, Map<string, { at: number; items: Set<string> }>>()
  add(customer: string, basketKey: string, at: number, item: string): void {
    let baskets = this.byCustomer.get(customer)
    if (!baskets) this.byCustomer.set(customer, (baskets = new Map()))
    const basket = baskets.get(basketKey)
    if (basket) basket.items.add(item)
    else baskets.set(basketKey, { at, items: new Set([item]) })
  }
  build(): Map<string, Basket[]> {
    return new Map([...this.byCustomer].map(([c, b]) => [c, [...b.values()].map(({ at, items }) => ({ at, items: [...items] }))]))
  }
}

const ONLINE_RETAIL_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID'

export function loadTransactions(file: string): LoadedTransactions {
  let bytes = readFileSync(file)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const lines = bytes.toString('utf8').split(/\r?\n/)
  const head = (lines[0] ?? '').replace(/^\uFEFF/, '').trim()
  const builder = new BasketBuilder()
  const items = new Map<string, CatalogItem>()
  if (head.startsWith(ONLINE_RETAIL_HEADER)) {
    // the README's cleaning: customer present, not cancelled, quantity > 0, price > 0, stock code of five digits (+ letter)
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] === '') continue
      const [invoice, code, description, quantity, date, price, customer] = splitCsv(lines[i])
      if (!customer || invoice.startsWith('C') || !(Number(quantity) > 0) || !(Number(price) > 0) || !/^\d{5}/.test(code)) continue
      builder.add(customer.replace(/\.0$/, ''), invoice, parseTimestamp(date, `line ${i + 1}`), code)
      // category: the first 3 digits of the stock code, a proxy (neighbouring codes are related products)
      items.set(code, { category: code.slice(0, 3), title: description.trim() || items.get(code)?.title })
    }
    return { format: 'online-retail', baskets: builder.build(), items }
  }
  const columns = head.split(',').map(c => c.trim().toLowerCase())
  const col = (name: string) => columns.indexOf(name)
  const [ci, ii, ti, qi, pi, gi] = ['customer_id', 'item_id', 'timestamp', 'quantity', 'price', 'category'].map(col)
  if (ci < 0 || ii < 0 || ti < 0) throw new Error(`${file}: not a customer_id,item_id,timestamp CSV or the Online Retail file`)
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue
    const f = splitCsv(lines[i])
    const where = `line ${i + 1}`
    const customer = (f[ci] ?? '').trim()
    const item = (f[ii] ?? '').trim()
    if (!customer || !item) throw new Error(`${where}: customer_id and item_id are required`)
    const at = parseTimestamp(f[ti] ?? '', where)
    for (const [index, name] of [
      [qi, 'quantity'],
      [pi, 'price'],
    ] as const) {
      if (index >= 0 && (f[index] ?? '').trim() !== '' && !Number.isFinite(Number(f[index]))) throw new Error(`${where}: bad ${name} ${f[index]}`)
    }
    // returns and corrections (quantity ≤ 0) are not purchases
    if (qi >= 0 && (f[qi] ?? '').trim() !== '' && !(Number(f[qi]) > 0)) continue
    builder.add(customer, String(at), at, item)
    const category = gi >= 0 ? (f[gi] ?? '').trim() : ''
    if (!items.has(item) || category) items.set(item, category ? { category } : {})
  }
  return { format: 'csv', baskets: builder.build(), items }
}

let cache: { file: string; data: LoadedTransactions } | undefined

export function evaluateRecommendations(options: EvalRecommendOptions): RecommendEvaluation {
  const { transactions, k = 10 } = options
  if (options.leaveLast === (options.split !== undefined) || (options.split !== undefined && !isDay(options.split))) throw new UsageError(USAGE)
  // parsing Online Retail takes seconds: keep the last file for repeated evaluations
  if (cache?.file !== transactions) cache = { file: transactions, data: loadTransactions(transactions) }
  const { format, baskets, items } = cache.data

  let split: EvaluationSplit
  let protocol: string
  let now: number
  if (options.split !== undefined) {
    now = Date.parse(`${options.split}T00:00:00Z`)
    split = splitByDate(baskets, now)
    protocol = `split ${options.split}`
  } else {
    split = leaveLastBasket(baskets)
    now = -Infinity
    for (const list of split.train.values()) for (const b of list) now = Math.max(now, b.at as number)
    protocol = 'leave-last'
  }
  const { train, cases } = split
  if (cases.length === 0) throw new Error('no customer has purchases on both sides of the split')

  // everything the models learn comes from the training part only
  const catalog: Record<string, CatalogItem> = {}
  for (const list of train.values()) for (const b of list) for (const id of b.items) catalog[id] ??= items.get(id) ?? {}
  const catalogSize = Object.keys(catalog).length
  const neighbors = itemNeighbors(train, { now })
  const recommender = createRecommender({ neighbors, popularity: popularity(train, { halfLifeDays: PRIOR_HALF_LIFE_DAYS, now }), catalog })
  const ranking = popularityRanking(popularity(train))

  const ours = cases.map(c => recommender({ history: c.history, now: c.now, k }).map(r => r.itemId))
  const baseline = cases.map(c => popularNotBought(ranking, new Set(c.history.map(h => h.itemId)), k))
  const rec = scoreRecommendations(cases, ours, k, catalogSize)
  const pop = scoreRecommendations(cases, baseline, k, catalogSize)
  return {
    format,
    protocol,
    k,
    customers: cases.length,
    catalogSize,
    recommender: rec,
    popularity: pop,
    ratio: { hitRate: rec.hitRate / pop.hitRate, ndcg: rec.ndcg / pop.ndcg },
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function formatReport(e: RecommendEvaluation, o: EvalRecommendOptions): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(4) : '-')
  const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-')
  const k = e.k
  return [
    `input: ${o.transactions} (${e.format}${e.format === 'online-retail' ? '; item = StockCode, category = its first 3 digits (a proxy)' : ''})`,
    `protocol: ${e.protocol === 'leave-last' ? "each customer's last basket is the test, earlier baskets train" : `train before ${o.split}, test from ${o.split} on`}; ` +
      `customers evaluated: ${e.customers}; catalog: ${e.catalogSize} items bought in training`,
    '',
    table(
      ['protocol', 'model', 'customers', `hit rate@${k}`, `NDCG@${k}`, 'coverage'],
      [
        [e.protocol, 'recommender', String(e.customers), f(e.recommender.hitRate), f(e.recommender.ndcg), f(e.recommender.coverage)],
        [e.protocol, 'popularity', String(e.customers), f(e.popularity.hitRate), f(e.popularity.ndcg), f(e.popularity.coverage)],
        [e.protocol, 'ratio', '', x(e.ratio.hitRate), x(e.ratio.ndcg), ''],
      ],
    ),
    `(both recommend only items the customer had not bought; relevant = bought in the test part and not before)`,
  ].join('\n')
}

if (require.main === module) void runCli(parseEvalArgs, options => console.log(formatReport(evaluateRecommendations(options), options)), { prefix: 'eval-recommend: ' })
