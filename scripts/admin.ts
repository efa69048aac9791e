/**
 * `npm run admin -- <action> '<json>'`: invokes the `admin` function as a console caller against a
 * running emulator (default port 9000; `--port <p>` or EMULATOR_PORT) and prints its JSON answer.
 */
import { ADMIN_ACTION_DOCS } from '../types/admin'

function usage(): string {
  const rows = Object.entries(ADMIN_ACTION_DOCS).map(
    ([name, doc]) => `  ${name.padEnd(16)} ${doc.description}\n  ${''.padEnd(16)} e.g. npm run admin -- ${name} '${JSON.stringify({ ...doc.example, action: undefined })}'`,
  )
  return `usage: npm run admin -- <action> '<json>' [--port <p>]\n\nactions:\n${rows.join('\n')}`
}

export function parseAdminArgs(argv: string[]): { action: string; input: Record<string, unknown>; port: number } {
  const args = [...argv]
  let port = Number(process.env.EMULATOR_PORT || 9000)
  const portAt = args.indexOf('--port')
  if (portAt >= 0) {
    port = Number(args[portAt + 1])
    args.splice(portAt, 2)
  }
  const [action, json] = args
  if (!action || action === '--help' || action === '-h') throw new Error(usage())
  let input: unknown = {}
  if (json !== undefined) {
    try {
      input = JSON.parse(json)
    } catch {
      throw new Error(`the second argument must be a JSON object, got: ${json}`)
    }
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('the second argument must be a JSON object')
  if (!Number.isInteger(port) || port <= 0) throw new Error('--port must be a port number')
  return { action, input: input as Record<string, unknown>, port }
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseAdminArgs(process.argv.slice(2))
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
  const url = `http://127.0.0.1:${parsed.port}/functions/admin`
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...parsed.input, action: parsed.action }) })
  } catch {
    console.error(`cannot reach the emulator at ${url}: start it with npm start (or npm run emulator)`)
    process.exit(3)
  }
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: print as is
  }
  console.log(typeof body === 'string' ? body : JSON.stringify(body, null, 2))
  if (!res.ok || (body as { ok?: boolean })?.ok === false) process.exit(1)
}

if (require.main === module) void main()
