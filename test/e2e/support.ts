/** Steps the H5 end-to-end tests share: local sign-in, visible elements, toasts and confirmation dialogs. */
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core'
import { ensureH5Built } from '../../scripts/builds'
import { seedDemoData } from '../../scripts/seed'
import { launchChromium, screenshot } from '../helpers/browser'
import { sdkFor, startEmulator, type RunningEmulator } from '../../scripts/emulator-process'

/**
 * The H5 build (built first if stale) on an emulator with the demo data, and a phone-sized page in
 * Chromium whose uncaught errors are logged. Stop both with stopDemoBrowser.
 */
export async function startDemoBrowser(pageOptions: BrowserContextOptions = {}): Promise<{ emu: RunningEmulator; browser: Browser; page: Page }> {
  ensureH5Built()
  const emu = await startEmulator({ args: ['--no-timers'] })
  await seedDemoData(emu.baseUrl, sdkFor(emu).database())
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, ...pageOptions })
  page.on('pageerror', err => console.error('[page error]', err))
  return { emu, browser, page }
}

export async function stopDemoBrowser(started: { emu?: RunningEmulator; browser?: Browser }): Promise<void> {
  await started.browser?.close()
  await started.emu?.stop()
}

export interface DemoBrowser {
  emu: RunningEmulator
  browser: Browser
  page: Page
  signInAs(openid: string): Promise<void>
  visible(selector: string): Locator
}

/**
 * startDemoBrowser for the test file, stopped after it (beforeAll / afterAll registered here, like
 * useEmulator for function tests): the handles are filled in before the tests run.
 */
export function useDemoBrowser(pageOptions: BrowserContextOptions = {}): DemoBrowser {
  const demo = {
    signInAs: (openid: string) => signInAs(demo.page, demo.emu.baseUrl, openid),
    visible: (selector: string) => visible(demo.page, selector),
  } as DemoBrowser
  beforeAll(async () => {
    Object.assign(demo, await startDemoBrowser(pageOptions))
  }, 240_000)
  afterAll(() => stopDemoBrowser(demo))
  return demo
}

/** Generous: a shared 2-core machine rendering a production build while the emulator runs functions. */
export const UI_TIMEOUT = 20_000

/** Signs in on the local gateway's sign-in page as a demo identity and waits for the member home page. */
export async function signInAs(page: Page, baseUrl: string, openid: string): Promise<void> {
  await page.goto(`${baseUrl}/`)
  await page.evaluate(() => localStorage.clear())
  await page.goto(`${baseUrl}/`)
  await page.locator(`#login-user-${openid}`).click()
  await page.locator('#member-points').first().waitFor({ timeout: UI_TIMEOUT })
}

/** The first visible element matching `selector` (H5 keeps earlier pages of the stack in the DOM, hidden). */
export const visible = (page: Page, selector: string): Locator => page.locator(selector).locator('visible=true').first()

declare global {
  interface Window {
    __toasts?: string[]
  }
}

/**
 * Records the text of every toast (`Taro.showToast` on H5) in `window.__toasts`, from the next
 * navigation on: toasts vanish after 1.5 s, so waiting for one on screen could miss it on a slow
 * machine. H5 creates one toast element and re-sets its text each time one is shown.
 */
export async function recordToasts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__toasts = []
    // no named inner functions: the script is serialised into the page; it runs before <body> exists
    document.addEventListener('DOMContentLoaded', () => {
      new MutationObserver(mutations => {
        for (const m of mutations) {
          const target = m.target as Element
          const added = Array.from(m.addedNodes).some(n => n instanceof Element && n.classList.contains('taro__toast'))
          if (added || (target instanceof Element && target.closest('.taro__toast'))) {
            const text = document.querySelector('.taro__toast')?.textContent?.trim()
            if (text) window.__toasts!.push(text)
            return
          }
        }
      }).observe(document.body, { childList: true, subtree: true })
    })
  })
}

/** Toasts shown so far (see recordToasts). */
export const toasts = (page: Page): Promise<string[]> => page.evaluate(() => window.__toasts ?? [])

/** Waits until a toast containing `text` has been shown (see recordToasts). */
export async function waitForToast(page: Page, text: string): Promise<void> {
  await page.waitForFunction(t => (window.__toasts ?? []).some(x => x.includes(t)), text, { timeout: UI_TIMEOUT })
}

/** The open confirmation dialog (`Taro.showModal` on H5): its title and text, then a tap on its confirm button. */
export async function confirmModal(page: Page): Promise<{ title: string; content: string }> {
  const modal = visible(page, '.taro__modal .taro-modal__content')
  await modal.waitFor({ timeout: UI_TIMEOUT })
  const title = await modal.locator('.taro-modal__title').innerText()
  const content = await modal.locator('.taro-modal__text').innerText()
  await modal.locator('.taro-model__confirm').click()
  await page.locator('.taro__modal').locator('visible=true').first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT })
  return { title, content }
}

/**
 * Waits until the screen is still: one page shown, its slide-in transition over, no toast or dialog
 * over it (a screenshot taken during the navigation animation shows the page half off screen).
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      // no named inner functions: the predicate is serialised into the page
      const pages = Array.from(document.querySelectorAll('.taro_page')).filter(e => getComputedStyle(e).display !== 'none')
      const overlays = Array.from(document.querySelectorAll('.taro__toast, .taro__modal')).filter(e => getComputedStyle(e).display !== 'none')
      return pages.length === 1 && Math.abs(pages[0].getBoundingClientRect().left) < 1 && overlays.length === 0
    },
    undefined,
    { timeout: UI_TIMEOUT },
  )
}

/** A screenshot (test-artifacts/e2e/<name>.png) once the screen is still. */
export async function settledScreenshot(page: Page, name: string): Promise<void> {
  await settled(page)
  await screenshot(page, name)
}
