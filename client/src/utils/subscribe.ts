/**
 * Reminders through WeChat one-time subscribe messages (README "Reminders (订阅消息提醒)"): each
 * 允许 in WeChat's dialog grants the server ONE send of that template, so the client offers the
 * dialog again at natural moments (after a check-in, after a claim, on 提醒设置) and reports every
 * answer with `member.reportSubscribe`.
 *
 * WeChat only opens the dialog from a user's tap: `Taro.requestSubscribeMessage` must be called
 * synchronously inside the tap handler, before anything asynchronous (an `await`, a network call, a
 * timer) — otherwise it fails with "can only be invoked by user TAP gesture". Hence:
 * - call `askForReminders(ids)` directly in an `onClick`, as its first asynchronous step, with the
 *   template ids already known (`loadReminderAsk()` when the page is shown, or a view the page holds);
 * - without ids and before any view was loaded, `askForReminders()` fetches them first; that call is
 *   no longer inside the tap and WeChat may refuse it (swallowed like any refusal).
 * Only the weapp build has the API: on H5 (Taro's stub "resolves" there) everything here does nothing.
 */
import Taro from '@tarojs/taro'
import type { ReminderPreferencesView } from '../../../types/reminders'
import type { Fail } from '../../../types/result'
import { memberApi } from '../services/member'
import { newRequestId } from './request-id'

const ANSWERS = new Set(['accept', 'reject', 'ban', 'filter'])
/** WeChat opens at most 3 templates per dialog. */
const MAX_TEMPLATES = 3
/** Waits before the 2nd and 3rd report attempt (same requestId). */
const REPORT_RETRY_MS = [300, 900]

/** The templates the server last said to offer; null until a reminder view was seen. */
let askIds: string[] | null = null
/** A dialog is open: a second tap must not ask again. */
let asking = false

/** True only in the WeChat build, where the subscribe dialog exists. */
export function canAskForReminders(): boolean {
  return process.env.TARO_ENV === 'weapp' && typeof Taro.requestSubscribeMessage === 'function'
}

/** Keeps `askTemplateIds` of any reminder view the server answered with (for the next tap). */
export function rememberReminderView(view: Pick<ReminderPreferencesView, 'askTemplateIds'>): void {
  askIds = [...view.askTemplateIds]
}

/** The templates to offer at the next tap ([] when none or not loaded yet). */
export function reminderAskIds(): string[] {
  return askIds ? [...askIds] : []
}

/** Forgets the remembered templates (another member signed in; tests). */
export function forgetReminderAsk(): void {
  askIds = null
  asking = false
}

/**
 * Loads `askTemplateIds` ahead of the tap (call when the page is shown). weapp only; never throws:
 * on any failure it answers what it already knew.
 */
export async function loadReminderAsk(): Promise<string[]> {
  if (!canAskForReminders()) return []
  try {
    const res = await memberApi.reminderPreferences()
    if (res.ok) rememberReminderView(res.data)
  } catch {
    // no network: the page works without reminders
  }
  return reminderAskIds()
}

/** The template answers in what requestSubscribeMessage resolved with, plus its errMsg (the server ignores it). */
function reportable(result: unknown, asked: string[]): Record<string, string> | null {
  if (!result || typeof result !== 'object') return null
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    if (asked.includes(key) && typeof value === 'string' && ANSWERS.has(value)) out[key] = value
  }
  if (!Object.keys(out).length) return null
  const errMsg = (result as { errMsg?: unknown }).errMsg
  return typeof errMsg === 'string' ? { ...out, errMsg } : out
}

/** Worth another try with the same requestId: the report may or may not have been recorded. */
const outcomeUnknown = (f: Fail) => f.code === 'INTERNAL' || f.code === 'CONFLICT'
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

async function report(result: Record<string, string>, onView?: (view: ReminderPreferencesView) => void): Promise<void> {
  // one id per dialog, reused on every retry: an accept is never counted twice
  const requestId = newRequestId('sub')
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await memberApi.reportSubscribe(requestId, result)
      if (res.ok) {
        rememberReminderView(res.data)
        onView?.(res.data)
        return
      }
      if (!outcomeUnknown(res)) return
    } catch {
      // transport error: the outcome is unknown, retry below
    }
    if (attempt >= REPORT_RETRY_MS.length) return
    await sleep(REPORT_RETRY_MS[attempt])
  }
}

/**
 * Offers WeChat's subscribe dialog for `askTemplateIds` (default: the remembered ones, else fetched)
 * and reports the answers; `onView` gets the server's updated reminder view. Never throws and shows
 * nothing itself: a refusal, a closed dialog or a network error leaves the page as it was.
 *
 * Call it synchronously in the tap handler that leads to it (see the top of this file): the dialog
 * is requested before this function first awaits anything.
 */
export async function askForReminders(askTemplateIds?: readonly string[], onView?: (view: ReminderPreferencesView) => void): Promise<void> {
  try {
    if (!canAskForReminders() || asking) return
    // no ids yet: fetching first leaves the tap, WeChat may refuse (caught below)
    const known = askTemplateIds ?? askIds ?? (await loadReminderAsk())
    const tmplIds = [...new Set(known.filter(Boolean))].slice(0, MAX_TEMPLATES)
    if (!tmplIds.length || asking) return
    asking = true
    let result: unknown
    try {
      result = await Taro.requestSubscribeMessage({ tmplIds } as Taro.requestSubscribeMessage.Option)
    } finally {
      asking = false
    }
    const answers = reportable(result, tmplIds)
    if (answers) await report(answers, onView)
  } catch {
    // refused (fail callback), main switch off, not from a tap, offline: nothing to report
  }
}
