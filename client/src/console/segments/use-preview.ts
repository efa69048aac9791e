import { useEffect, useRef, useState } from 'react'
import type { Fail } from '../../../../types/result'
import type { SegmentOutputs } from '../../../../types/segments'
import { segmentsApi, type SegmentRuleInput } from '../../services/console-segments'
import { failText } from '../../services/errors'

/** Wait this long after the last change before asking (typing a number is several changes). */
export const PREVIEW_DEBOUNCE_MS = 400

export type Preview =
  | { status: 'idle' }
  /** `shown`: the previous answer, kept greyed while the new one comes */
  | { status: 'pending'; shown: SegmentOutputs['previewSegment'] | null }
  | { status: 'ready'; data: SegmentOutputs['previewSegment'] }
  | { status: 'error'; message: string; issues: NonNullable<Fail['issues']> }

const shownOf = (p: Preview) => (p.status === 'ready' ? p.data : p.status === 'pending' ? p.shown : null)

/**
 * The live count and sample of a rule: asked PREVIEW_DEBOUNCE_MS after the last change; only the
 * answer to the latest rule is shown (an older one arriving late is dropped). `rule` null: nothing to ask.
 */
export function useSegmentPreview(rule: SegmentRuleInput | null, onDenied: () => void): Preview {
  const [preview, setPreview] = useState<Preview>({ status: 'idle' })
  const seq = useRef(0)
  const denied = useRef(onDenied)
  denied.current = onDenied
  const key = rule ? JSON.stringify(rule) : ''

  useEffect(() => {
    const mine = ++seq.current
    if (!rule) {
      setPreview({ status: 'idle' })
      return
    }
    setPreview(p => ({ status: 'pending', shown: shownOf(p) }))
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const res = await segmentsApi.preview(rule)
          if (mine !== seq.current) return
          if (res.ok) setPreview({ status: 'ready', data: res.data })
          else if (res.code === 'PERMISSION_DENIED' || res.code === 'UNAUTHENTICATED') denied.current()
          else setPreview({ status: 'error', message: failText(res), issues: res.issues ?? [] })
        } catch (err) {
          if (mine === seq.current) setPreview({ status: 'error', message: err instanceof Error && err.message ? err.message : '网络异常，请重试', issues: [] })
        }
      })()
    }, PREVIEW_DEBOUNCE_MS)
    return () => clearTimeout(timer)
    // the rule's content, not its identity, decides whether to ask again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])

  return preview
}
