/**
 * What the fake WeCom remembers, in `<dataDir>/wecom/`: the corp's configuration (`config.json`,
 * made once per data dir, mode 0600) and its state (`state.json`, written atomically after each
 * change): the access token, the customer contacts simulate made, welcome codes, contact-me codes
 * and corporate tags.
 */
import { randomBytes } from 'crypto'
import fs from 'fs'
import path from 'path'
import { fsyncPathSync } from '../durable'

export interface WecomCorpConfig {
  corpId: string
  secret: string
  /** the callback's Token and EncodingAESKey (43 characters), as 企业微信管理后台 shows them */
  token: string
  aesKey: string
}

export interface WecomState {
  token: { value: string; expiresAt: number } | null
  contacts: Record<string, { name: string; unionid: string | null; followUsers: Array<{ userId: string; state: string | null; createTime: number }> }>
  welcomeCodes: Record<string, { externalUserId: string; userId: string; issuedAt: string; usedAt: string | null }>
  contactWays: Record<string, { configId: string; type: unknown; scene: unknown; users: string[]; state: string | null; remark: string; createdAt: string }>
  tagGroups: Array<{
    group_id: string
    group_name: string
    create_time: number
    order: number
    deleted: boolean
    tag: Array<{ id: string; name: string; create_time: number; order: number; deleted: boolean }>
  }>
  /** `<externalUserId>|<userId>` → tag ids */
  contactTags: Record<string, string[]>
  /** the last callback CreateTime (seconds): each simulated event gets a later one */
  lastCreateTime: number
}

const emptyState = (): WecomState => ({ token: null, contacts: {}, welcomeCodes: {}, contactWays: {}, tagGroups: [], contactTags: {}, lastCreateTime: 0 })

/** The local corp: made once per data dir (an existing file is kept as it is). */
export function loadCorpConfig(dir: string): WecomCorpConfig {
  const file = path.join(dir, 'config.json')
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as WecomCorpConfig
  const config: WecomCorpConfig = {
    corpId: `ww${randomBytes(8).toString('hex')}`,
    secret: randomBytes(32).toString('base64url').slice(0, 43),
    token: randomBytes(12).toString('hex'),
    // 43 characters of base64: 32 bytes of key once '=' is added back
    aesKey: randomBytes(32).toString('base64').slice(0, 43),
  }
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 })
  return config
}

export function loadState(dir: string): WecomState {
  const file = path.join(dir, 'state.json')
  if (!fs.existsSync(file)) return emptyState()
  try {
    return { ...emptyState(), ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WecomState>) }
  } catch {
    console.warn(`[wecom] ${file} is unreadable: starting with an empty fake WeCom`)
    return emptyState()
  }
}

/** Temp file, fsync, rename: a crash leaves the old state or the new one. */
export function saveState(dir: string, state: WecomState): void {
  const file = path.join(dir, 'state.json')
  const tmp = `${file}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(state))
  fsyncPathSync(tmp)
  fs.renameSync(tmp, file)
}
