/** Ids derived from what caused a write, so that repeating the cause finds the first write instead of making a second. */
import { sha256 } from 'js-sha256'

export function derivedId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${sha256(parts.join('\n')).slice(0, 32)}`
}
