import { useRef, useState } from 'react'
import { staffApi, type TillMemberRef } from '../../services/staff'
import type { MemberLookup } from '../components/member-identify'
import { isDenied, tillErrorText } from '../till'
import type { Target } from './write-off'

interface Callbacks {
  /** a message for the page to show ('' clears it) */
  onError: (message: string) => void
  /** the member was found */
  onFound: () => void
  /** the caller is not (or no longer) staff */
  onDenied: () => void
}

/** The member being served at 核销券 and their usable coupons: found by code, member number or phone. */
export function useTarget({ onError, onFound, onDenied }: Callbacks) {
  const [target, setTarget] = useState<Target | null>(null)
  const [finding, setFinding] = useState(false)
  const findingRef = useRef(false)

  const find = async (lookup: MemberLookup) => {
    if (findingRef.current) return
    findingRef.current = true
    setFinding(true)
    onError('')
    try {
      let ref: TillMemberRef
      if ('phone' in lookup) {
        const found = await staffApi.findMemberByPhone(lookup.phone)
        if (!found.ok) {
          if (isDenied(found)) onDenied()
          onError(tillErrorText(found))
          return
        }
        ref = { memberNo: found.data.member.memberNo }
      } else {
        ref = lookup
      }
      const res = await staffApi.memberCoupons(ref)
      if (!res.ok) {
        if (isDenied(res)) onDenied()
        onError(tillErrorText(res))
        return
      }
      setTarget({ member: res.data.member, ref, coupons: res.data.coupons })
      onFound()
    } catch (err) {
      onError(err instanceof Error ? err.message : '网络异常，请重试')
    } finally {
      findingRef.current = false
      setFinding(false)
    }
  }

  /** After a refused write-off: the member's coupons as they are now (a failure keeps the list). */
  const reloadCoupons = async (t: Target) => {
    try {
      const res = await staffApi.memberCoupons(t.ref)
      if (res.ok) setTarget(cur => (cur && cur.member.memberNo === t.member.memberNo ? { ...cur, coupons: res.data.coupons } : cur))
    } catch {
      // the list stays as it was; the error shown already says what happened
    }
  }

  return { target, setTarget, finding, find, reloadCoupons }
}
