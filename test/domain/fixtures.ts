/** Data the domain tests share. */
import { newMember } from '../../domain/member'
import type { Member } from '../../types/member'

/** A member as domain tests start from: `o_m1` (小明), active, 0 points, joined at `joinedAt`; `patch` on top. */
export function memberFixture(joinedAt: Date, patch: Partial<Member> = {}): Member {
  // without the recency anchor a new member gets: these tests set their own activity
  const { recencyAt: _anchor, ...fresh } = newMember('o_m1', '1000000001', joinedAt)
  return { ...fresh, nickname: '小明', stage: 'active', ...patch }
}
