/**
 * Sign-up attribution: channel ids and scenes, reading a scene from the launch options, and the
 * report's grouping (new members and their first-90-day value by channel, store and staff).
 */
import { sha256 } from 'js-sha256'
import type { AttributionRow, ChannelKind } from '../types/attribution'

/** The value window after joining. */
export const FIRST_VALUE_DAYS = 90
const DAY_MS = 86_400_000

/** WeChat's limit for a `getUnlimited` scene, and the characters it allows. */
export const SCENE_MAX = 32
const SCENE_CHARS = /^[\w!#$&'()*+,/:;=?@.~-]+$/

/** One channel per store, staff member or campaign (and store): asking again finds the same one. */
export function channelIdFor(c: { kind: ChannelKind; storeId?: string | null; staffOpenid?: string | null; campaignId?: string | null }): string {
  return `c${sha256(JSON.stringify([c.kind, c.storeId ?? null, c.staffOpenid ?? null, c.campaignId ?? null])).slice(0, 12)}`
}

export function sceneFor(channelId: string): string {
  return `c=${channelId}`
}

/**
 * The channel a launch scene names, or null. The scene arrives URL-encoded in the launch query
 * (`c%3Dc0123…`) or already decoded; anything malformed (bad encoding, too long, another key) is
 * null, so a stray scene never blocks a sign-in.
 */
export function parseScene(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw || raw.length > 128) return null
  let scene = raw
  // decoded at most twice: a scene forwarded through a page URL is encoded once more
  for (let i = 0; i < 2 && scene.includes('%'); i++) {
    try {
      scene = decodeURIComponent(scene)
    } catch {
      return null
    }
  }
  if (scene.length > SCENE_MAX || !SCENE_CHARS.test(scene)) return null
  for (const part of scene.split('&')) {
    const [key, value] = part.split('=')
    if (key === 'c' && /^c[0-9a-f]{12}$/.test(value ?? '')) return value
  }
  return null
}

export interface SignupRow {
  memberId: string
  channelId: string
  storeId: string | null
  staffOpenid: string | null
  at: Date
}

export interface ValuePurchase {
  memberId: string
  amountFen: number
  refundedFen: number
  createdAt: Date
}

/** A member's first-90-day value: what they paid, net of refunds, from joining until 90 days later. */
export function firstValueFen(joinedAt: Date, purchases: ValuePurchase[]): number {
  const end = joinedAt.getTime() + FIRST_VALUE_DAYS * DAY_MS
  return purchases.filter(p => p.createdAt >= joinedAt && p.createdAt.getTime() < end).reduce((s, p) => s + Math.max(0, p.amountFen - p.refundedFen), 0)
}

type Acc = { newMembers: number; buyers: number; value90Fen: number; openWindows: number }

/**
 * Groups the signups by `keyOf` (null: not in this grouping, e.g. a campaign code without a store)
 * with each member's first-90-day value; rows by new members, then value, descending.
 */
export function attributionRows(
  signups: SignupRow[],
  purchasesByMember: Map<string, ValuePurchase[]>,
  now: Date,
  keyOf: (s: SignupRow) => string | null,
  nameOf: (key: string) => string,
): AttributionRow[] {
  const groups = new Map<string, Acc>()
  for (const s of signups) {
    const key = keyOf(s)
    if (key === null) continue
    const acc = groups.get(key) ?? { newMembers: 0, buyers: 0, value90Fen: 0, openWindows: 0 }
    const value = firstValueFen(s.at, purchasesByMember.get(s.memberId) ?? [])
    acc.newMembers++
    acc.value90Fen += value
    if (value > 0) acc.buyers++
    if (s.at.getTime() + FIRST_VALUE_DAYS * DAY_MS > now.getTime()) acc.openWindows++
    groups.set(key, acc)
  }
  return [...groups.entries()]
    .map(([key, a]) => ({ key, name: nameOf(key), ...a, avgValue90Fen: Math.round(a.value90Fen / a.newMembers) }))
    .sort((x, y) => y.newMembers - x.newMembers || y.value90Fen - x.value90Fen || x.key.localeCompare(y.key))
}
