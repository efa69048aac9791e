import { useCallback, useRef, useState } from 'react'
import type { Result } from '../../../types/result'
import { needsSignIn, redirectToSignIn } from '../services/cloud'
import { failText } from '../services/errors'

export type PageLoad<Ready extends { status: 'ready' }> = { status: 'loading' } | { status: 'error'; message: string } | Ready

/**
 * A signed-in page's data: `refresh(quiet)` sends the member to sign in if needed, otherwise loads;
 * a quiet refresh (after an action) never replaces what is shown with a spinner or an error, and an
 * answer older than the latest request is dropped. Bump `seq` before writing `setLoad` from an
 * action's own answer, so a refresh still in flight cannot overwrite it. `ready` gets what is shown
 * now too (to keep a change the member is still saving).
 */
export function usePageLoad<T, Ready extends { status: 'ready' }>(fetch: () => Promise<Result<T>>, ready: (data: T, shown: PageLoad<Ready>) => Ready) {
  const [load, setLoad] = useState<PageLoad<Ready>>({ status: 'loading' })
  const seq = useRef(0)
  // the latest render's functions (a test may replace a service after the first render)
  const latest = useRef({ fetch, ready })
  latest.current = { fetch, ready }
  const refresh = useCallback(async (quiet: boolean) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++seq.current
    if (!quiet) setLoad(l => (l.status === 'ready' ? l : { status: 'loading' }))
    try {
      const res = await latest.current.fetch()
      if (mine !== seq.current) return
      if (res.ok) {
        const data = res.data
        setLoad(shown => latest.current.ready(data, shown))
      }
      else if (!quiet) setLoad(l => (l.status === 'ready' ? l : { status: 'error', message: failText(res) }))
    } catch (err) {
      if (mine !== seq.current || quiet) return
      setLoad(l => (l.status === 'ready' ? l : { status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' }))
    }
  }, [])
  return { load, setLoad, refresh, seq }
}
