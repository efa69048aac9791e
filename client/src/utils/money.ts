/** Money is integer fen everywhere; yuan appear only in what people type and read. */

/** The largest purchase the `staff` function accepts (types/staff.ts): 1,000,000 元. */
export const MAX_AMOUNT_FEN = 100_000_000

export type ParsedAmount = { ok: true; fen: number } | { ok: false; message: string }

/**
 * "12", "12.3", "12.30", "0.5" → fen, without floating point (12.30 → 1230, never 1229.9999).
 * At most two decimals, more than zero, at most MAX_AMOUNT_FEN.
 */
export function parseYuan(input: string, max = MAX_AMOUNT_FEN): ParsedAmount {
  const text = input.trim().replace(/^[￥¥]\s*/, '')
  if (!text) return { ok: false, message: '请输入金额' }
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(text) ?? /^()\.(\d{1,2})$/.exec(text)
  if (!m) return { ok: false, message: '金额格式不正确（最多两位小数）' }
  const fen = Number(m[1] || '0') * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  if (fen <= 0) return { ok: false, message: '金额必须大于 0' }
  if (fen > max) return { ok: false, message: `金额不能超过 ${formatFen(max)}` }
  return { ok: true, fen }
}

/** 1230 → ￥12.30; -50 → -￥0.50. */
export function formatFen(fen: number): string {
  const abs = Math.abs(Math.round(fen))
  const text = `￥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
  return fen < 0 ? `-${text}` : text
}

/** 1230 → "12.30" (for an input's initial value). */
export function fenToYuanText(fen: number): string {
  return formatFen(fen).replace(/^-?￥/, fen < 0 ? '-' : '')
}
