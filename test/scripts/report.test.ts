/** `npm run report`: the HTML renderer (a pure function) and the CLI's arguments and offline rendering. */
import { execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { buildReport, type PurchaseRow, type ReportInput } from '../../domain/report'
import { parseReportArgs, renderReportHtml, reportFromAnswer, SECTION_TITLES } from '../../scripts/report'

const ROOT = path.resolve(__dirname, '../..')
const sh = (s: string) => new Date(`${s}+08:00`)
const p = (id: string, memberId: string, at: string, amountFen: number): PurchaseRow => ({ _id: id, memberId, amountFen, refundedFen: 0, status: 'completed', createdAt: sh(at) })

function sample(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    range: { from: '2026-01-01', to: '2026-03-31' },
    now: new Date('2026-04-02T02:00:00Z'),
    followUpDays: 7,
    tiers: [
      { tierId: 'base', name: '普通会员' },
      { tierId: 'gold', name: '金卡会员' },
    ],
    stageTier: [
      { stage: 'new', tierId: 'base', n: 5, spendFen: 10_000 },
      { stage: 'active', tierId: 'gold', n: 2, spendFen: 300_000 },
    ],
    buyers: [{ tierId: 'gold', n: 2, spendFen: 300_000 }],
    scored: [{ tierId: 'gold', n: 2, spendFen: 300_000, clvFen: 80_000, risk: 0.3 }],
    // members a (joined 01-03) and b (02-03); a bought on 01-04 (5,000) and 02-04 (7,000), b on 02-05 (3,000)
    joinedByDay: [
      { day: '2026-01-03', n: 1 },
      { day: '2026-02-03', n: 1 },
    ],
    buyerDays: [
      { days: 1, buyers: 1, purchases: 1, salesFen: 3_000 },
      { days: 2, buyers: 1, purchases: 2, salesFen: 12_000 },
    ],
    cohorts: [
      { cohort: '2026-01', month: '2026-01', members: 1 },
      { cohort: '2026-01', month: '2026-02', members: 1 },
      { cohort: '2026-02', month: '2026-02', members: 1 },
    ],
    followUps: [p('p1', 'a', '2026-01-04T10:00:00', 5_000), p('p2', 'a', '2026-02-04T10:00:00', 7_000)],
    templates: [{ _id: 'full-100-20', name: '满100减20 <b>限时</b>', type: 'threshold', totalStock: 100 }],
    coupons: [
      { templateId: 'full-100-20', status: 'used', n: 3 },
      { templateId: 'full-100-20', status: 'available', n: 7 },
    ],
    lapsed: [],
    checkins: [{ day: '2026-01-05', kind: 'checkin', n: 4, points: 20 }],
    ledger: [{ month: '2026-01', kind: 'earn', sourceType: 'purchase', pos: 120, neg: 0 }],
    reminders: [{ _id: 'r1', memberId: 'a', kind: 'win_back', sentAt: sh('2026-02-01T10:00:00'), status: 'sent' }],
    nps: [
      { storeId: 's1', score: 10, at: sh('2026-01-04T12:00:00') },
      { storeId: 's1', score: 3, at: sh('2026-01-06T12:00:00') },
    ],
    stores: [{ storeId: 's1', name: '静安<店>' }],
    ...overrides,
  }
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(buildReport(sample()))

  test('NPS by store and month, the store name escaped', () => {
    const part = html.slice(html.indexOf('<section id="nps">'))
    expect(part).toContain('静安&lt;店&gt;')
    expect(part).not.toContain('静安<店>')
    expect(part).toContain('共 2 份，NPS 0.0')
  })

  test('every section with its Chinese title, a chart (inline SVG) and a table', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('<title>会员经营报表 2026-01-01 至 2026-03-31</title>')
    for (const [id, title] of Object.entries(SECTION_TITLES)) {
      const start = html.indexOf(`<section id="${id}">`)
      expect(start).toBeGreaterThan(0)
      const part = html.slice(start, html.indexOf('</section>', start))
      expect(part).toContain(`<h2>${title}</h2>`)
      if (id !== 'overview') {
        expect(part).toMatch(/<svg[\s\S]*<\/svg>/)
        expect(part).toMatch(/<table[ >]/)
      }
    }
    expect((html.match(/<svg /g) ?? []).length).toBe(10)
    for (const label of ['新客', '活跃', '金卡会员', '当月', '第 1 月', '领取率（%）', '核销率（%）', '签到人数', '退款扣回', '专属回归福利']) expect(html).toContain(label)
  })

  test('readable offline: no script, no external resource; the only URLs are SVG namespaces', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<link/i)
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i)
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i)
    expect(html).not.toMatch(/@import/i)
    const urls = html.match(/https?:\/\/[^\s"'<>)]*/g) ?? []
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']))
    // in-page navigation only
    for (const href of html.match(/href="[^"]*"/g) ?? []) expect(href).toMatch(/^href="#\w+"$/)
  })

  test('figures appear formatted, and admin-entered names are escaped', () => {
    expect(html).toContain('<td>满100减20 &lt;b&gt;限时&lt;/b&gt;（full-100-20）</td>')
    expect(html).not.toContain('<b>限时</b>')
    expect(html).toContain('<td>30.0%</td>') // redemption rate 3 / 10
    expect(html).toContain('<td>10.0%</td>') // claim rate 10 / 100
    expect(html).toContain('¥150.00') // sales 15,000 fen
    expect(html).toContain('<td>2026-01</td><td>1</td><td>100.0%（1）</td><td>100.0%（1）</td><td>0.0%（0）</td>') // January cohort
  })

  test('an empty report renders too (no data in the range)', () => {
    const empty = renderReportHtml(
      buildReport(sample({ stageTier: [], buyers: [], scored: [], joinedByDay: [], buyerDays: [], cohorts: [], followUps: [], templates: [], coupons: [], checkins: [], ledger: [], reminders: [] })),
    )
    expect(empty).toContain('区间内没有发出的券。')
    expect(empty).toContain('<td>—</td>')
    expect((empty.match(/<svg /g) ?? []).length).toBe(9)
  })

  test('a year by month: new members are charted per month', () => {
    const year = renderReportHtml(buildReport(sample({ range: { from: '2025-12-01', to: '2026-11-30' } })))
    const part = year.slice(year.indexOf('<section id="newMembers">'), year.indexOf('<section id="repurchase">'))
    expect(part).toContain('按月统计')
    expect(part).toContain('2026-11')
  })
})

describe('the CLI', () => {
  test('arguments: defaults to the last 30 Shanghai days, port from EMULATOR_PORT or --port', () => {
    const now = new Date('2026-11-23T17:00:00Z') // 01:00 on the 24th in Shanghai
    expect(parseReportArgs([], now)).toMatchObject({ from: '2026-10-26', to: '2026-11-24', out: 'report.html', followUpDays: 7, input: null })
    expect(parseReportArgs(['--from', '2026-01-01', '--to', '2026-11-30', '--out', 'x.html', '--port', '9100', '--follow-up-days', '14'], now)).toEqual({
      from: '2026-01-01',
      to: '2026-11-30',
      out: 'x.html',
      port: 9100,
      followUpDays: 14,
      input: null,
    })
    expect(() => parseReportArgs(['--from', '2026/01/01'], now)).toThrow(/YYYY-MM-DD/)
    expect(() => parseReportArgs(['--bogus', '1'], now)).toThrow(/unknown argument/)
    expect(() => parseReportArgs(['--out'], now)).toThrow(/needs a value/)
  })

  test('a failed answer is an error; a bare report or { ok, data } renders', () => {
    const report = buildReport(sample())
    expect(reportFromAnswer({ ok: true, data: report })).toBe(report)
    expect(reportFromAnswer(report)).toBe(report)
    expect(() => reportFromAnswer({ ok: false, code: 'PERMISSION_DENIED', message: '仅管理员可调用' })).toThrow(/PERMISSION_DENIED/)
    expect(() => reportFromAnswer({ hello: 1 })).toThrow(/not a report/)
  })

  test('--input renders a saved answer to one HTML file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'))
    const input = path.join(dir, 'answer.json')
    fs.writeFileSync(input, JSON.stringify({ ok: true, data: buildReport(sample()) }))
    const out = path.join(dir, 'report.html')
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/report.ts'), '--input', input, '--out', out], { cwd: ROOT, stdio: 'pipe' })
    const html = fs.readFileSync(out, 'utf8')
    expect(html).toContain('<h2>复购率</h2>')
    expect((html.match(/<svg /g) ?? []).length).toBe(10)
  }, 60_000)
})
