import { useCallback, useEffect, useRef, useState } from 'react'
import { useReachBottom } from '@tarojs/taro'
import type { Result } from '../../../types/result'
import { needsSignIn, redirectToSignIn } from '../services/cloud'
import { failText } from '../services/errors'

export type PageLoadState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string }

/**
 * A list read page by page by offset (加载更多 or scrolling to the bottom): one page in flight at a
 * time, and rows written meanwhile (which shift the offsets) never shown twice.
 */
export function usePagedList<T>(fetchPage: (offset: number) => Promise<Result<{ items: T[]; hasMore: boolean; total?: number }>>, idOf: (item: T) => string) {
  const [items, setItems] = useState<T[]>([])
  const [total, setTotal] = useState<number | null>(null)
  const [hasMore, setHasMore] = useState(true)
  const [loaded, setLoaded] = useState(false)
  const [load, setLoad] = useState<PageLoadState>({ status: 'idle' })
  const busy = useRef(false)
  const offset = useRef(0)

  const loadMore = useCallback(async () => {
    if (busy.current) return
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    busy.current = true
    setLoad({ status: 'loading' })
    try {
      const res = await fetchPage(offset.current)
      if (!res.ok) {
        setLoad({ status: 'error', message: failText(res) })
        return
      }
      const page = res.data.items
      offset.current += page.length
      setItems(prev => {
        const seen = new Set(prev.map(idOf))
        return prev.concat(page.filter(i => !seen.has(idOf(i))))
      })
      if (res.data.total !== undefined) setTotal(res.data.total)
      setHasMore(res.data.hasMore && page.length > 0)
      setLoaded(true)
      setLoad({ status: 'idle' })
    } catch (err) {
      setLoad({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    } finally {
      busy.current = false
    }
    // fetchPage and idOf are module-level functions of the page
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    void loadMore()
  }, [loadMore])

  useReachBottom(() => {
    if (hasMore && load.status !== 'error') void loadMore()
  })

  return { items, total, hasMore, loaded, load, loadMore }
}
