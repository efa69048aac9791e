import type { ErrorCode, Fail, Result } from '../../../types/result'

export function fail(code: ErrorCode, message: string): Fail {
  return { ok: false, code, message }
}

/** A transport error (network, SDK) as a Fail the pages can show. */
export function transportFail(err: unknown, fallback = '网络异常，请稍后重试'): Fail {
  const message = err instanceof Error ? err.message : typeof err === 'object' && err && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
  return fail('INTERNAL', message ? `${fallback}（${message}）` : fallback)
}

/** True when `value` looks like `{ ok: true, data }` or `{ ok: false, code, message }`. */
export function isResult<T>(value: unknown): value is Result<T> {
  if (!value || typeof value !== 'object') return false
  const v = value as { ok?: unknown; code?: unknown }
  return v.ok === true || (v.ok === false && typeof v.code === 'string')
}

/** The text to show for a failure: the server's message plus any per-field issues it lists. */
export function failText(f: Fail): string {
  const base = f.message || f.code
  const extra = (f.issues ?? []).map(i => i.message).filter(m => m && !base.includes(m))
  return extra.length ? `${base}：${extra.join('；')}` : base
}
