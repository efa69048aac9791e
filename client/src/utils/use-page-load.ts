import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react'
import type { Fail, Result } from '../../../types/result'
import { needsSignIn, redirectToSignIn } from '../services/cloud'
import { failText } from '../services/errors'

export type PageLoad<Ready extends { status: 'ready' }> = { status: 'loading' } | { status: 'error'; message: string } | Ready
/** A staff or console page for someone without its role: the function answered PERMISSION_DENIED. */
export type Denied = { status: 'denied' }

export interface PageLoadOptions<T, Shown> {
  /** what is shown before the first answer (default: loading), e.g. a copy kept on the device */
  initial?: () => NoInfer<Shown>
  /** false: a failed load that is not quiet replaces what is shown with the error (default: kept) */
  keepOnError?: boolean
  /** the text of a refused load (default: failText) */
  errorText?: (f: Fail) => string
  /** side effects of the latest answer once it is shown (a cache, a dependent load) */
  onLoaded?: (data: T) => void
  /** the latest request was refused (also PERMISSION_DENIED) */
  onFailed?: (f: Fail) => void
  /** a refresh while one is in flight is not sent (instead of replacing it) */
  oneAtATime?: boolean
}

export interface PageLoadControls<T, Ready, Shown> {
  load: Shown
  setLoad: Dispatch<SetStateAction<Shown>>
  /** loads; resolves to the data when this request's answer is the one shown */
  refresh: (quiet: boolean) => Promise<T | undefined>
  /** true while a request is in flight (a 刷新中 button) */
  refreshing: boolean
  /** an action's own answer changes what is shown: any request still in flight is dropped (nothing shown: nothing changes) */
  update: (change: (ready: Ready) => Ready) => void
  seq: { current: number }
}

/**
 * A signed-in page's data: `refresh(quiet)` sends the member to sign in if needed, otherwise loads;
 * a quiet refresh (after an action) never replaces what is shown with a spinner or an error, and an
 * answer older than the latest request is dropped. `update` (or bumping `seq` before `setLoad`)
 * writes an action's own answer so that a refresh still in flight cannot overwrite it. `ready` gets
 * what is shown now too (to keep a change the member is still saving). With `denied: true`,
 * PERMISSION_DENIED shows `{ status: 'denied' }`, whatever was shown.
 */
export function usePageLoad<T, Ready extends { status: 'ready' }>(
  fetch: () => Promise<Result<T>>,
  ready: (data: T, shown: PageLoad<Ready>) => Ready,
  options?: PageLoadOptions<T, PageLoad<Ready>> & { denied?: false },
): PageLoadControls<T, Ready, PageLoad<Ready>>
export function usePageLoad<T, Ready extends { status: 'ready' }>(
  fetch: () => Promise<Result<T>>,
  ready: (data: T, shown: PageLoad<Ready> | Denied) => Ready,
  options: PageLoadOptions<T, PageLoad<Ready> | Denied> & { denied: true },
): PageLoadControls<T, Ready, PageLoad<Ready> | Denied>
export function usePageLoad<T, Ready extends { status: 'ready' }>(
  fetch: () => Promise<Result<T>>,
  ready: (data: T, shown: PageLoad<Ready> | Denied) => Ready,
  options: PageLoadOptions<T, PageLoad<Ready> | Denied> & { denied?: boolean } = {},
): PageLoadControls<T, Ready, PageLoad<Ready> | Denied> {
  type Shown = PageLoad<Ready> | Denied
  const [load, setLoad] = useState<Shown>(() => options.initial?.() ?? { status: 'loading' })
  const [refreshing, setRefreshing] = useState(false)
  const seq = useRef(0)
  const inFlight = useRef(0)
  // the latest render's functions and options (a test may replace a service after the first render)
  const latest = useRef({ fetch, ready, options })
  latest.current = { fetch, ready, options }
  const shown = useRef(load)
  shown.current = load

  const refresh = useCallback(async (quiet: boolean): Promise<T | undefined> => {
    if (needsSignIn()) {
      redirectToSignIn()
      return undefined
    }
    const { oneAtATime } = latest.current.options
    if (oneAtATime && inFlight.current > 0) return undefined
    const mine = ++seq.current
    const failed = (message: string) => {
      if (quiet) return
      const keep = latest.current.options.keepOnError !== false
      setLoad(l => (keep && l.status === 'ready' ? l : { status: 'error', message }))
    }
    inFlight.current++
    setRefreshing(true)
    if (!quiet) setLoad(l => (l.status === 'ready' ? l : { status: 'loading' }))
    try {
      const res = await latest.current.fetch()
      if (mine !== seq.current) return undefined
      const { denied, errorText, onLoaded, onFailed } = latest.current.options
      if (res.ok) {
        const data = res.data
        setLoad(l => latest.current.ready(data, l))
        onLoaded?.(data)
        return data
      }
      if (denied && res.code === 'PERMISSION_DENIED') setLoad({ status: 'denied' })
      else failed(errorText ? errorText(res) : failText(res))
      onFailed?.(res)
    } catch (err) {
      if (mine === seq.current) failed(err instanceof Error ? err.message : '加载失败，请重试')
    } finally {
      if (--inFlight.current === 0) setRefreshing(false)
    }
    return undefined
  }, [])

  const update = useCallback((change: (r: Ready) => Ready) => {
    if (shown.current.status !== 'ready') return
    seq.current++
    setLoad(l => (l.status === 'ready' ? change(l as Ready) : l))
  }, [])

  return { load, setLoad, refresh, refreshing, update, seq }
}
