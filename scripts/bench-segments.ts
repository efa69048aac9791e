/**
 * A saved segment at scale (part of the tiers bench, after its runs): `admin.saveSegment` (which takes
 * the pass's first steps itself), then `tiers.segments` steps back to back until its members are
 * stored (the timer takes the same steps with what is left of each `run` call), timed with the
 * database requests and function time; then one `previewSegment` of the saved segment (an indexed
 * count) and one of the same rule unsaved (counted over the first members and scaled).
 */
import { performance } from 'perf_hooks'
import type { RunningEmulator } from './emulator-process'
import { callOrTransportFailure, fmt, functionSeconds, must, requestStats, seconds } from './bench-emulator'

const SEGMENT_ID = 'bench-silver-gold'
/** members with a silver or gold tier: about 7% of the seeded members */
const RULE = { all: [{ field: 'tierId', op: 'in', value: ['silver', 'gold'] }], any: [] }
const MAX_STEPS = 5_000

export interface SegmentPassMeasure {
  /** members stored in the segment when its pass was done */
  members: number
  /** `tiers.segments` calls after the save (a call that found the step busy counts too) */
  steps: number
  wallSeconds: number
  functionSeconds: number
  requests: number
  longestStepSeconds: number
  /** one preview each once ready: the saved segment's (indexed count) and the unsaved rule's (sampled) */
  savedPreview: { ms: number; count: number }
  rulePreview: { ms: number; count: number; estimated: boolean; sampled: number }
}

/** A call that must answer ok: its data and how long it took. */
async function timed(emu: RunningEmulator, fn: string, event: unknown): Promise<{ data: any; ms: number }> {
  const started = performance.now()
  const data = await must(emu, fn, event)
  return { data, ms: performance.now() - started }
}

export async function measureSegmentPass(emu: RunningEmulator, log: (line: string) => void): Promise<SegmentPassMeasure> {
  await requestStats(emu, 'DELETE')
  const started = performance.now()
  const saved = await timed(emu, 'admin', { action: 'saveSegment', segmentId: SEGMENT_ID, name: '银卡及以上', rule: RULE })
  let state: string = saved.data.membership
  let steps = 0
  let longestStepSeconds = saved.ms / 1000
  while (state !== 'ready') {
    if (++steps > MAX_STEPS) throw new Error(`segment pass: not ready after ${MAX_STEPS} steps`)
    const stepStarted = performance.now()
    const { status, body } = await callOrTransportFailure(emu, 'tiers', { action: 'segments', segmentId: SEGMENT_ID })
    longestStepSeconds = Math.max(longestStepSeconds, seconds(stepStarted))
    const step = status === 200 && body?.ok ? body.data.step : undefined
    if (step) state = step.state
    // null: the step is held by another (or the call failed): look again shortly
    else await new Promise(resolve => setTimeout(resolve, 1000))
    if (step && steps % 10 === 0) log(`  segment pass: ${step.visited.toLocaleString('en-US')} members visited, ${step.found.toLocaleString('en-US')} found after ${seconds(started).toFixed(0)} s`)
  }
  const wallSeconds = seconds(started)
  const stats = await requestStats(emu)
  const savedPreview = await timed(emu, 'admin', { action: 'previewSegment', segmentId: SEGMENT_ID, sample: 10 })
  const rulePreview = await timed(emu, 'admin', { action: 'previewSegment', rule: RULE, sample: 10 })
  const measured: SegmentPassMeasure = {
    members: savedPreview.data.count,
    steps,
    wallSeconds,
    functionSeconds: functionSeconds(stats),
    requests: stats.total,
    longestStepSeconds,
    savedPreview: { ms: savedPreview.ms, count: savedPreview.data.count },
    rulePreview: { ms: rulePreview.ms, count: rulePreview.data.count, estimated: rulePreview.data.estimated, sampled: rulePreview.data.sampled },
  }
  log(`  segment pass: ${JSON.stringify(measured)}`)
  return measured
}

/** The segment pass per size (stderr table). */
export function formatSegmentTable(rows: Array<{ n: number; segment: SegmentPassMeasure }>): string {
  const head = [
    'N',
    'members in the segment',
    'pass: wall s',
    'steps',
    'function time s',
    'db requests / 1,000 members',
    'longest step s',
    'preview saved: ms (count)',
    'preview unsaved rule: ms (count, sample)',
  ]
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    line(head),
    line(head.map(() => '---')),
    ...rows.map(({ n, segment: s }) =>
      line([
        fmt(n),
        fmt(s.members),
        fmt(s.wallSeconds, 1),
        fmt(s.steps),
        fmt(s.functionSeconds, 1),
        fmt((s.requests * 1000) / n, 1),
        fmt(s.longestStepSeconds, 1),
        `${fmt(s.savedPreview.ms)} (${fmt(s.savedPreview.count)})`,
        `${fmt(s.rulePreview.ms)} (${s.rulePreview.estimated ? '约 ' : ''}${fmt(s.rulePreview.count)}, ${fmt(s.rulePreview.sampled)})`,
      ]),
    ),
  ].join('\n')
}
