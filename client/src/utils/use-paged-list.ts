import { useCallback, useEffect, useRef, useState } from 'react'
import { useReachBottom } from '@tarojs/taro'
import type { Result } from '../../../types/result'
import { needsSignIn, redirectToSignIn } from '../services/cloud'
import { failText } from '../services/errors'

export type PageLoadState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string }

export interface PagedAnswer<T> {
  items: T[]
  hasMore: boolean
  total?: number
}

export interface PagedListOptions<Page> {
  /** false: nothing loads on mount, the page calls `reload` (e.g. when shown) */
  auto?: boolean
  /** each page answer that is shown (for what else it carries, e.g. counts) */
  onPage?: (page: Page) => void
}

/** more: the next page · reset: a new list, start empty · refresh: the same list again, kept until the answer */
type Mode = 'more' | 'reset' | 'refresh'

/**
 * A list read page by page by offset (加载更多 or scrolling to the bottom): one page in flight at a
 * time, and rows written meanwhile (which shift the offsets) never shown twice. `reload(keep)` starts
 * again from the first page (a new tab: `keep` false shows the spinner; shown again: `keep` true keeps
 * the rows until the answer); an answer for a list left behind is dropped.
 */
export function usePagedList<T, Page extends PagedAnswer<T> = PagedAnswer<T>>(fetchPage: (offset: number) => Promise<Result<Page>>, idOf: (item: T) => string, options: PagedListOptions<Page> = {}) {
  const [items, setItems] = useState<T[]>([])
  const [total, setTotal] = useState<number | null>(null)
  const [hasMore, setHasMore] = useState(true)
  const [loaded, setLoaded] = useState(false)
  const [load, setLoad] = useState<PageLoadState>({ status: 'idle' })
  const busy = useRef(false)
  const offset = useRef(0)
  const seq = useRef(0)
  // the latest render's functions (they may read the page's current tab)
  const latest = useRef({ fetchPage, idOf, options })
  latest.current = { fetchPage, idOf, options }

  const fetchFrom = useCallback(async (mode: Mode) => {
    if (mode === 'more' && busy.current) return
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    if (mode !== 'more') {
      // a new list: any answer still on its way belongs to the old one
      seq.current++
      offset.current = 0
    }
    const mine = seq.current
    busy.current = true
    setLoad({ status: 'loading' })
    if (mode === 'reset') {
      setItems([])
      setTotal(null)
      setLoaded(false)
      setHasMore(true)
    }
    try {
      const res = await latest.current.fetchPage(offset.current)
      if (mine !== seq.current) return
      if (!res.ok) {
        setLoad({ status: 'error', message: failText(res) })
        return
      }
      const page = res.data.items
      const { idOf } = latest.current
      offset.current += page.length
      setItems(prev => {
        if (mode !== 'more') return page
        const seen = new Set(prev.map(idOf))
        return prev.concat(page.filter(i => !seen.has(idOf(i))))
      })
      if (res.data.total !== undefined) setTotal(res.data.total)
      setHasMore(res.data.hasMore && page.length > 0)
      setLoaded(true)
      setLoad({ status: 'idle' })
      latest.current.options.onPage?.(res.data)
    } catch (err) {
      if (mine !== seq.current) return
      setLoad({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    } finally {
      if (mine === seq.current) busy.current = false
    }
  }, [])

  const loadMore = useCallback(() => fetchFrom('more'), [fetchFrom])
  const reload = useCallback((keep: boolean) => fetchFrom(keep ? 'refresh' : 'reset'), [fetchFrom])

  const auto = options.auto !== false
  useEffect(() => {
    if (auto) void loadMore()
  }, [auto, loadMore])

  useReachBottom(() => {
    if (loaded && hasMore && load.status !== 'error') void loadMore()
  })

  return { items, total, hasMore, loaded, load, loadMore, reload }
}
