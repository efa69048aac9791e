/**
 * Per-member recommendations: neighbours of the member's recent purchases (recency-weighted) and,
 * at a lower weight, of the products they recently tapped without buying, a tag-affinity term and a
 * popularity prior; bought items are left out unless their category is
 * bought again and again, off-sale items always; at most `maxPerCategory` items of one category per
 * `diversityWindow` places; each item with a one-line reason. Members without history get the
 * popular items in their tags first, then the popular items overall.
 */
import { toMs, type ItemNeighbors, type Neighbor } from './similarity'

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { max, pow } = Math

const DAY_MS = 86_400_000

export interface CatalogItem {
  category?: string
  tags?: readonly string[]
  /** false: never recommended. */
  onSale?: boolean
  title?: string
}

export interface RecommendOptions {
  /** A purchase counts 0.5^(age / halfLife) towards its neighbours' scores (default 180 days). */
  historyHalfLifeDays?: number
  /** Neighbours used per bought item (default 15: longer lists add noise). */
  neighborsPerItem?: number
  /** Weight of popularity / max popularity (default 0.05; co-purchase scores are scaled to max 1). */
  popularityWeight?: number
  /** Weight of the tag affinity in [0, 1] (default 0.1, so tagged items outrank untagged popular ones). */
  tagWeight?: number
  /** A tapped (clicked) product counts this much of a purchase at the same age (default 0.3). */
  clickWeight?: number
  /** At most this many items of one category … (default 3) */
  maxPerCategory?: number
  /** … in each run of this many places (default 10). */
  diversityWindow?: number
}

export const RECOMMEND_DEFAULTS: Required<RecommendOptions> = {
  historyHalfLifeDays: 180,
  neighborsPerItem: 15,
  popularityWeight: 0.05,
  tagWeight: 0.1,
  clickWeight: 0.3,
  maxPerCategory: 3,
  diversityWindow: 10,
}

export interface RecommendContext {
  /** The `item_neighbors` documents: item → neighbours, best first. */
  neighbors: ItemNeighbors
  /** Item → distinct buyers (or a recency-weighted count): the prior and the cold-start ranking. */
  popularity: Record<string, number>
  /** Only catalog items are recommended. */
  catalog: Record<string, CatalogItem>
  /** Categories bought repeatedly (consumables): items in them may be recommended again. */
  repeatCategories?: readonly string[]
  options?: RecommendOptions
}

export interface RecommendInput {
  history: ReadonlyArray<{ itemId: string; at: number | Date }>
  /** Products the member tapped (clicks the client reported): interest, not a purchase. */
  clicks?: ReadonlyArray<{ itemId: string; at: number | Date }>
  /** Tags the member follows (e.g. from a profile or a quiz). */
  tags?: readonly string[]
  now: number | Date
  k: number
}

export interface Recommendation {
  itemId: string
  score: number
  /** One line for the UI, e.g. 因为你买过「…」. */
  reason: string
}

interface Prepared {
  catalog: Map<string, CatalogItem>
  neighbors: Map<string, readonly Neighbor[]>
  popularity: Map<string, number>
  /** On-sale catalog items by popularity, most popular first. */
  byPopularity: string[]
  maxPopularity: number
  byTag: Map<string, string[]>
  repeat: Set<string>
  options: Required<RecommendOptions>
}

const own = <T>(record: Record<string, T>): Map<string, T> => new Map(Object.entries(record))
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function prepare(context: RecommendContext): Prepared {
  const options = { ...RECOMMEND_DEFAULTS, ...context.options }
  const { historyHalfLifeDays, neighborsPerItem, popularityWeight, tagWeight, clickWeight, maxPerCategory, diversityWindow } = options
  if (!(historyHalfLifeDays > 0) || !(neighborsPerItem >= 0) || !(popularityWeight >= 0) || !(tagWeight >= 0) || !(clickWeight >= 0)) throw new RangeError('recommend: bad options')
  if (!(Number.isInteger(maxPerCategory) && maxPerCategory >= 1 && Number.isInteger(diversityWindow) && diversityWindow >= 1)) throw new RangeError('recommend: bad diversity options')
  const catalog = own(context.catalog)
  const neighbors = new Map([...own(context.neighbors)].map(([id, list]) => [id, list.slice(0, neighborsPerItem)]))
  const popularity = own(context.popularity)
  const onSale = [...catalog].filter(([, item]) => item.onSale !== false).map(([id]) => id)
  const pop = (id: string) => popularity.get(id) ?? 0
  const byPopularity = onSale.filter(id => pop(id) > 0).sort((a, b) => pop(b) - pop(a) || byId(a, b))
  const byTag = new Map<string, string[]>()
  for (const id of onSale) {
    for (const tag of new Set(catalog.get(id)!.tags ?? [])) {
      const list = byTag.get(tag)
      if (list) list.push(id)
      else byTag.set(tag, [id])
    }
  }
  return {
    catalog,
    neighbors,
    popularity,
    byPopularity,
    maxPopularity: byPopularity.length > 0 ? pop(byPopularity[0]) : 0,
    byTag,
    repeat: new Set(context.repeatCategories ?? []),
    options,
  }
}

const TITLE_CHARS = 20
function title(p: Prepared, id: string): string {
  const t = (p.catalog.get(id)?.title ?? '').trim() || id
  return t.length > TITLE_CHARS ? `${t.slice(0, TITLE_CHARS)}…` : t
}

interface Candidate {
  itemId: string
  score: number
  cf: number
  tag: number
  pop: number
  /** The bought (or tapped) item that contributed most, and its share of the co-purchase score. */
  because?: string
  becauseClicked?: boolean
  share: number
  tagName?: string
}

function reason(p: Prepared, c: Candidate): string {
  if (c.because !== undefined && c.cf > 0 && c.cf >= c.tag && c.cf >= c.pop) {
    if (c.becauseClicked) return `因为你看过「${title(p, c.because)}」`
    return c.share >= 0.5 ? `因为你买过「${title(p, c.because)}」` : `购买「${title(p, c.because)}」的会员也买了`
  }
  if (c.tagName !== undefined && c.tag > 0 && c.tag >= c.pop) return `你关注的${c.tagName}热卖`
  return '热卖推荐'
}

/** A recommender bound to one context (indexes built once): `createRecommender(ctx)(input)`. */
export function createRecommender(context: RecommendContext): (input: RecommendInput) => Recommendation[] {
  const p = prepare(context)
  return input => run(p, input)
}

const prepared = new WeakMap<RecommendContext, Prepared>()

/** Recommendations for one member; repeated calls with the same context object reuse its indexes. */
export function recommend(input: RecommendInput, context: RecommendContext): Recommendation[] {
  let p = prepared.get(context)
  if (!p) prepared.set(context, (p = prepare(context)))
  return run(p, input)
}

function run(p: Prepared, input: RecommendInput): Recommendation[] {
  const { k } = input
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`recommend: k must be a whole number ≥ 0, got ${k}`)
  const now = toMs(input.now)
  if (Number.isNaN(now)) throw new RangeError('recommend: bad now')
  const o = p.options

  // each distinct bought item with the recency weight of its last purchase, then each tapped item not
  // bought with its last tap's weight times clickWeight, in id order (stable sums)
  const latest = (events: ReadonlyArray<{ itemId: string; at: number | Date }>) => {
    const out = new Map<string, number>()
    for (const e of events) {
      const at = toMs(e.at)
      const prev = out.get(e.itemId)
      if (prev === undefined || at > prev) out.set(e.itemId, at)
    }
    return out
  }
  const last = latest(input.history)
  const recency = (at: number) => pow(0.5, max(0, now - at) / DAY_MS / o.historyHalfLifeDays)
  const bought = [...last].map(([id, at]) => ({ id, w: recency(at), clicked: false }))
  const tapped = o.clickWeight > 0 ? [...latest(input.clicks ?? [])].filter(([id]) => !last.has(id)).map(([id, at]) => ({ id, w: o.clickWeight * recency(at), clicked: true })) : []
  const history = [...bought, ...tapped].sort((a, b) => byId(a.id, b.id))

  const eligible = (id: string): boolean => {
    const item = p.catalog.get(id)
    if (!item || item.onSale === false) return false
    return !last.has(id) || (item.category !== undefined && p.repeat.has(item.category))
  }

  // tag affinity: followed tags count 1, tags of bought items their share of the recency weight
  const affinity = new Map<string, number>()
  const totalWeight = history.reduce((s, h) => s + h.w, 0)
  if (totalWeight > 0) {
    for (const h of history) for (const tag of new Set(p.catalog.get(h.id)?.tags ?? [])) affinity.set(tag, (affinity.get(tag) ?? 0) + h.w / totalWeight)
  }
  for (const tag of input.tags ?? []) affinity.set(tag, 1)

  // co-purchase scores, remembering the strongest contributor for the reason
  const cf = new Map<string, { score: number; best: number; because: string; clicked: boolean }>()
  for (const h of history) {
    for (const nb of p.neighbors.get(h.id) ?? []) {
      if (!eligible(nb.itemId)) continue
      const contribution = h.w * nb.score
      const entry = cf.get(nb.itemId)
      if (!entry) cf.set(nb.itemId, { score: contribution, best: contribution, because: h.id, clicked: h.clicked })
      else {
        entry.score += contribution
        if (contribution > entry.best) Object.assign(entry, { best: contribution, because: h.id, clicked: h.clicked })
      }
    }
  }
  let cfMax = 0
  for (const e of cf.values()) cfMax = max(cfMax, e.score)

  const popTerm = (id: string) => (p.maxPopularity > 0 ? (o.popularityWeight * (p.popularity.get(id) ?? 0)) / p.maxPopularity : 0)
  const tagOf = (id: string): { tag: number; tagName?: string } => {
    let best = 0
    let tagName: string | undefined
    for (const tag of [...new Set(p.catalog.get(id)?.tags ?? [])].sort(byId)) {
      const a = affinity.get(tag) ?? 0
      if (a > best) [best, tagName] = [a, tag]
    }
    return { tag: o.tagWeight * best, tagName }
  }

  // scored candidates: co-purchased or tagged; everything else can only score by popularity
  const scored = new Map<string, Candidate>()
  const add = (id: string) => {
    if (scored.has(id) || !eligible(id)) return
    const e = cf.get(id)
    const c: Candidate = {
      itemId: id,
      cf: e && cfMax > 0 ? e.score / cfMax : 0,
      pop: popTerm(id),
      score: 0,
      share: e ? e.best / e.score : 0,
      because: e?.because,
      becauseClicked: e?.clicked,
      ...tagOf(id),
    }
    c.score = c.cf + c.tag + c.pop
    scored.set(id, c)
  }
  for (const id of cf.keys()) add(id)
  for (const tag of affinity.keys()) for (const id of p.byTag.get(tag) ?? []) add(id)
  const ranked = [...scored.values()].sort((a, b) => b.score - a.score || byId(a.itemId, b.itemId))

  // merge with the popularity order (its scores only fall), lazily
  let r = 0
  let q = 0
  const next = (): Candidate | undefined => {
    while (q < p.byPopularity.length && (scored.has(p.byPopularity[q]) || !eligible(p.byPopularity[q]))) q++
    const fromPopular = q < p.byPopularity.length ? p.byPopularity[q] : undefined
    const popular = fromPopular === undefined ? undefined : popTerm(fromPopular)
    const head = ranked[r]
    if (head && (popular === undefined || head.score > popular || (head.score === popular && head.itemId < fromPopular!))) return ranked[r++]
    if (fromPopular === undefined) return undefined
    q++
    return { itemId: fromPopular, score: popular!, cf: 0, tag: 0, pop: popular!, share: 0 }
  }

  // diversity: per window of places, at most maxPerCategory of a category; items held back go first
  // in the next window; the cap gives way only when nothing else is left to fill the list
  const out: Candidate[] = []
  const held: Candidate[] = []
  const categoryOf = (c: Candidate) => p.catalog.get(c.itemId)?.category
  const fits = (c: Candidate): boolean => {
    const category = categoryOf(c)
    if (category === undefined) return true
    const start = out.length - (out.length % o.diversityWindow)
    let count = 0
    for (let i = start; i < out.length; i++) if (categoryOf(out[i]) === category) count++
    return count < o.maxPerCategory
  }
  let exhausted = false
  while (out.length < k) {
    const h = held.findIndex(fits)
    if (h >= 0) {
      out.push(held.splice(h, 1)[0])
      continue
    }
    let picked = false
    while (!exhausted) {
      const c = next()
      if (!c) exhausted = true
      else if (fits(c)) {
        out.push(c)
        picked = true
        break
      } else held.push(c)
    }
    if (picked) continue
    if (held.length === 0) break
    out.push(held.shift()!)
  }
  return out.map(c => ({ itemId: c.itemId, score: c.score, reason: reason(p, c) }))
}
