import { useCallback, useEffect, useState } from 'react'
import type { StaffOutputs } from '../../../../types/staff'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { staffApi } from '../../services/staff'
import { isDenied, till } from '../till'

export type Me = { status: 'loading' } | { status: 'denied' } | { status: 'error'; message: string } | { status: 'ready'; me: StaffOutputs['me'] }

/**
 * Who is at the till (`staff.me`), loaded when the page opens: the till's cached answer shows at
 * once, a consumer gets `denied`. `keepOnError`: a failed refresh keeps the card already shown.
 */
export function useStaffMe({ keepOnError }: { keepOnError: boolean }) {
  const [me, setMe] = useState<Me>(() => {
    const cached = till.me()
    return cached ? { status: 'ready', me: cached } : { status: 'loading' }
  })

  const loadMe = useCallback(async () => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const failed = (message: string) => setMe(s => (keepOnError && s.status === 'ready' ? s : { status: 'error', message }))
    setMe(s => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const res = await staffApi.me()
      if (res.ok) {
        till.setMe(res.data)
        setMe({ status: 'ready', me: res.data })
      } else if (isDenied(res)) {
        till.setMe(null)
        setMe({ status: 'denied' })
      } else {
        failed(failText(res))
      }
    } catch (err) {
      failed(err instanceof Error ? err.message : '加载失败，请重试')
    }
  }, [keepOnError])

  useEffect(() => {
    void loadMe()
  }, [loadMe])

  return { me, setMe, loadMe }
}
