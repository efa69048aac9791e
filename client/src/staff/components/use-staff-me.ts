import { useCallback, useEffect } from 'react'
import type { StaffOutputs } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { usePageLoad, type Denied, type PageLoad } from '../../utils/use-page-load'
import { isDenied, till } from '../till'

type Ready = { status: 'ready'; me: StaffOutputs['me'] }
export type Me = PageLoad<Ready> | Denied

/**
 * Who is at the till (`staff.me`), loaded when the page opens: the till's cached answer shows at
 * once, a consumer gets `denied`. `keepOnError`: a failed refresh keeps the card already shown.
 */
export function useStaffMe({ keepOnError }: { keepOnError: boolean }) {
  const {
    load: me,
    setLoad: setMe,
    refresh,
  } = usePageLoad(
    () => staffApi.me(),
    (data): Ready => ({ status: 'ready', me: data }),
    {
      denied: true,
      keepOnError,
      initial: (): Me => {
        const cached = till.me()
        return cached ? { status: 'ready', me: cached } : { status: 'loading' }
      },
      onLoaded: data => till.setMe(data),
      onFailed: f => {
        if (isDenied(f)) till.setMe(null)
      },
    },
  )

  const loadMe = useCallback(() => refresh(false), [refresh])

  useEffect(() => {
    void loadMe()
  }, [loadMe])

  return { me, setMe, loadMe }
}
