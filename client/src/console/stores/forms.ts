/**
 * 门店与店员's form rules, as the `admin` function's schemas state them (types/admin.ts), checked
 * before sending so a mistake reads in Chinese next to its field; the function checks them again.
 */
import type { Fail } from '../../../../types/result'
import type { MemberRef } from '../../services/console-stores'

/** field → message; '' is the form as a whole */
export type FormErrors = Record<string, string>

const STORE_ID = /^[\w-]{1,32}$/
const MEMBER_NO = /^\d{10}$/
const OPENID = /^\S{1,64}$/

export const STORE_NAME_MAX = 40
export const CITY_MAX = 20
export const PERSON_NAME_MAX = 20

/** A thrown (network, SDK) error as Chinese text. */
export const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')
export const isDenied = (code: string) => code === 'PERMISSION_DENIED' || code === 'UNAUTHENTICATED'

export function storeErrors(input: { storeId: string; name: string; city: string }): FormErrors {
  const errors: FormErrors = {}
  if (!STORE_ID.test(input.storeId.trim())) errors.storeId = '门店编号为 1–32 位字母、数字、_ 或 -'
  if (!input.name.trim()) errors.name = '请填写门店名称'
  else if (input.name.trim().length > STORE_NAME_MAX) errors.name = `门店名称最多 ${STORE_NAME_MAX} 个字`
  if (input.city.trim().length > CITY_MAX) errors.city = `城市最多 ${CITY_MAX} 个字`
  return errors
}

/** A 10-digit member number, else an OPENID; null when it is neither. */
export function memberRefOf(text: string): MemberRef | null {
  const t = text.trim()
  if (MEMBER_NO.test(t)) return { memberNo: t }
  return OPENID.test(t) && !/^\d+$/.test(t) ? { openid: t } : null
}

export function personErrors(input: { who: string; name: string }, whoField: string, openidOnly = false): FormErrors {
  const errors: FormErrors = {}
  const ref = memberRefOf(input.who)
  if (!input.who.trim()) errors[whoField] = openidOnly ? '请填写 OPENID' : '请填写会员号或 OPENID'
  else if (!ref || (openidOnly && !('openid' in ref))) errors[whoField] = openidOnly ? 'OPENID 格式不正确' : '请填写 10 位会员号或 OPENID'
  if (!input.name.trim()) errors.name = '请填写姓名'
  else if (input.name.trim().length > PERSON_NAME_MAX) errors.name = `姓名最多 ${PERSON_NAME_MAX} 个字`
  return errors
}

/**
 * A failed answer as field errors: each issue at the form field its path names (`aliases` maps an
 * event field to a form field, e.g. memberNo → who), the rest and the message at ''.
 */
export function failErrors(fail: Fail, fields: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  const errors: FormErrors = {}
  const rest: string[] = []
  for (const issue of fail.issues ?? []) {
    const field = aliases[issue.path] ?? issue.path
    if (fields.includes(field) && !errors[field]) errors[field] = issue.message
    else rest.push(issue.message)
  }
  errors[''] = fail.issues?.length && !rest.length ? '请按标注修改' : [fail.message, ...rest.filter(m => !fail.message.includes(m))].join('：')
  return errors
}
