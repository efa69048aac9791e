/**
 * Member tags mirrored as WeCom corporate tags (企业客户标签) on each linked contact, so staff see
 * 高价值会员 / 流失预警 / 生日月 in WeCom's sidebar: which tags a member should carry, and what to
 * add and remove on the contact. Pure; the `wecom` function's `syncTags` does the calls (docs/wecom.md).
 */
import type { ResolvedRule } from './segments'
import { matches } from './segments'
import { shanghaiMonth } from './time'

/** The WeCom tag group the platform's tags live in (tags outside it are staff's own: never touched). */
export const WECOM_TAG_GROUP = '会员标签'
/** The tag a member carries in their birthday's Shanghai month. */
export const BIRTHDAY_MONTH_TAG = '生日月'
/** WeCom allows tag names of at most 30 characters. */
const WECOM_TAG_NAME_MAX = 30

/** A chosen segment mirrored as a tag named like it. */
export interface TagSegment {
  name: string
  rule: ResolvedRule
}

/**
 * The tags the member's contact should carry now: the rule tags of the daily job, 生日月 in the
 * birthday's month, and every chosen segment the member is in; sorted, unique, at most 30 characters.
 */
export function desiredTags(member: Record<string, unknown> & { ruleTags?: unknown; birthday?: unknown }, segments: readonly TagSegment[], now: Date): string[] {
  const tags = new Set<string>(Array.isArray(member.ruleTags) ? member.ruleTags.filter((t): t is string => typeof t === 'string') : [])
  if (typeof member.birthday === 'string' && member.birthday.slice(5, 7) === shanghaiMonth(now).slice(5, 7)) tags.add(BIRTHDAY_MONTH_TAG)
  for (const s of segments) if (matches(member, s.rule)) tags.add(s.name)
  return [...tags].filter(t => t.length > 0 && t.length <= WECOM_TAG_NAME_MAX).sort()
}

/** What `mark_tag` must add and remove to go from the tags last set to the desired ones (both by name). */
export function tagDiff(current: readonly string[], desired: readonly string[]): { add: string[]; remove: string[] } {
  const have = new Set(current)
  const want = new Set(desired)
  return { add: desired.filter(t => !have.has(t)), remove: current.filter(t => !want.has(t)) }
}
