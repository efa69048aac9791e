/**
 * A client-generated id that makes a write repeatable without effect (types/staff.ts `requestId`:
 * 8–64 of [A-Za-z0-9_-]). Made once per submission and reused for every retry of it, so a double tap
 * or a retry after a lost answer never records twice.
 */
export function newRequestId(prefix = 'r'): string {
  const time = Date.now().toString(36)
  let rand = ''
  while (rand.length < 16)
    rand += Math.floor(Math.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')
  return `${prefix}-${time}-${rand.slice(0, 16)}`
}
