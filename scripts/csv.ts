/** CSV reading shared by the evaluation CLIs (eval:churn, eval:recommend). */

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',')
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"'
      i++
    } else if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      out.push(field)
      field = ''
    } else field += ch
  }
  return [...out, field]
}

/** ISO date or date-time; without a zone it is taken as UTC so the result does not depend on the host. */
export function parseTimestamp(s: string, where: string): number {
  const iso = s.trim().replace(' ', 'T')
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(iso) ? `${iso.length === 10 ? `${iso}T00:00:00` : iso}Z` : iso)
  if (Number.isNaN(ms)) throw new Error(`${where}: bad timestamp ${s}`)
  return ms
}
