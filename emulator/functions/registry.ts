/** The deployed functions: `<functionsDir>/<name>/index.js` + `config.json`, read as CloudBase would. */
import fs from 'fs'
import path from 'path'

export interface TimerTrigger {
  name: string
  /** CloudBase 7-field cron: second minute hour day month weekday year */
  cron: string
}

export interface FunctionConfig {
  timeoutSeconds: number
  envVariables: Record<string, string>
  triggers: TimerTrigger[]
}

const DEFAULT_TIMEOUT_SECONDS = 3 // CloudBase's default for a new function

export function functionFile(functionsDir: string, name: string): string | null {
  if (!/^[A-Za-z][\w-]{0,59}$/.test(name)) return null
  const file = path.join(functionsDir, name, 'index.js')
  return fs.existsSync(file) ? file : null
}

export function listFunctions(functionsDir: string): string[] {
  if (!fs.existsSync(functionsDir)) return []
  return fs
    .readdirSync(functionsDir)
    .filter(name => functionFile(functionsDir, name) !== null)
    .sort()
}

export function readConfig(functionsDir: string, name: string): FunctionConfig {
  const file = path.join(functionsDir, name, 'config.json')
  const raw = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}
  const triggers: TimerTrigger[] = Array.isArray(raw.triggers)
    ? raw.triggers.filter((t: { type?: string }) => t.type === 'timer').map((t: { name: string; config: string }) => ({ name: t.name, cron: t.config }))
    : []
  return {
    timeoutSeconds: typeof raw.timeout === 'number' ? raw.timeout : DEFAULT_TIMEOUT_SECONDS,
    envVariables: raw.envVariables && typeof raw.envVariables === 'object' ? raw.envVariables : {},
    triggers,
  }
}

/** Changes whenever the function is rebuilt, so warm instances of old code are replaced. */
export function codeVersion(file: string): string {
  const st = fs.statSync(file)
  return `${st.mtimeMs}:${st.size}`
}
