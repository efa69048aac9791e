/**
 * The weapp build (dist/weapp) as WeChat runs it, outside WeChat: app.js and the pages' own compiled
 * code, templates compiled by WeChat's template compiler (miniprogram-compiler, `official`), rendered
 * by WeChat's component framework (miniprogram-exparser) through miniprogram-simulate in jsdom.
 * Cloud calls answer from a Backend; what the pages ask of WeChat is recorded (wx-doubles.ts).
 *
 * Loading order matters: the simulator first (it defines `Component` and a mocked `wx`), then our
 * additions to `wx`, then app.js (Taro copies wx's keys and sets Taro.cloud = wx.cloud when taro.js runs).
 * dist/weapp is rebuilt when stale by the project's global setup (test/weapp/global-setup.ts).
 */
import fs from 'fs'
import path from 'path'
import { Backend, type Handlers } from './backend'
import { newRecorders, wxAdditions, type CanvasStandIn, type Recorders } from './wx-doubles'

export const WEAPP_DIR = path.resolve(__dirname, '../../dist/weapp')

let baseWxml: string | null = null
/** Taro's templates for every node type (read once). */
const BASE_WXML = () => (baseWxml ??= fs.readFileSync(path.join(WEAPP_DIR, 'base.wxml'), 'utf8'))

/** Every page of dist/weapp/app.json, sub-package pages with their root ("console/home/index"). */
export function appPages(): string[] {
  const app = JSON.parse(fs.readFileSync(path.join(WEAPP_DIR, 'app.json'), 'utf8')) as { pages: string[]; subPackages?: Array<{ root: string; pages: string[] }> }
  return [...app.pages, ...(app.subPackages ?? []).flatMap(p => p.pages.map(page => `${p.root}/${page}`))]
}

/** The part of miniprogram-simulate used here (its own typings declare the mini-program's globals). */
interface Simulate {
  load(componentPath: string, tagName: string, options: { compiler: 'official'; rootPath: string }): string
  render(id: string, properties?: Record<string, unknown>): RootComponent
  sleep(ms: number): Promise<void>
}
/** An exparser node: `$$` is its DOM (text), `shadowRoot` is set on components. */
export interface WxNode {
  $$?: HTMLElement
  id?: string
  childNodes?: WxNode[]
  shadowRoot?: WxNode
  querySelectorAll(selector: string): WxNode[]
}

/** The page component's exparser node (j-component keeps it on the root). */
const rootNode = (root: RootComponent): WxNode => (root as unknown as { _exparserNode: WxNode })._exparserNode

/** Every component (a node with a shadow tree) under a node. */
function componentsUnder(node: WxNode): WxNode[] {
  const found: WxNode[] = []
  const walk = (n: WxNode) => {
    if (n !== node && n.shadowRoot) found.push(n)
    n.shadowRoot?.childNodes?.forEach(walk)
    n.childNodes?.forEach(walk)
  }
  walk(node)
  return found
}

/** The shadow roots under a node: its own and those of every component in them, depth first. */
function shadowRoots(node: WxNode | null): WxNode[] {
  const roots: WxNode[] = []
  const walk = (n: WxNode) => {
    if (n.shadowRoot) {
      roots.push(n.shadowRoot)
      n.shadowRoot.childNodes?.forEach(walk)
    }
    n.childNodes?.forEach(walk)
  }
  if (node) walk(node)
  return roots
}

interface RootComponent {
  dom: HTMLElement
  instance: PageInstance
  attach(parent: Element): void
  detach(): void
}
type PageInstance = Record<string, any> & { route: string }

/** A page on the stack: its rendered DOM (exparser's, with ids and classes) and what to do with it. */
export class OpenedPage {
  constructor(
    readonly route: string,
    readonly root: RootComponent,
    private readonly weapp: Weapp,
  ) {}

  /** The first node matching a selector (exparser's: ids, classes, tags) anywhere in the page, custom components included. */
  find(selector: string): WxNode | null {
    return this.findAll(selector)[0] ?? null
  }

  /** Every match, searching the page's shadow tree and the shadow tree of each component in it (Taro's `comp`). */
  findAll(selector: string): WxNode[] {
    return shadowRoots(rootNode(this.root)).flatMap(r => r.querySelectorAll(selector))
  }

  /** What the member reads: the node's text with whitespace collapsed, or null when not rendered. */
  text(selector?: string): string | null {
    const dom = selector ? this.find(selector)?.$$ : this.root.dom
    return dom ? (dom.textContent ?? '').replace(/\s+/g, ' ').trim() : null
  }

  /**
   * The attributes Taro sent for the node (e.g. an <Image>'s src): built-in components are empty shells
   * here, so they are read from the data Taro set on the page or on the `comp` holding the node.
   */
  attributes(selector: string): Record<string, unknown> | null {
    const sid = (this.find(selector) as { __attributes?: Record<string, string> } | null)?.__attributes?.['data-sid']
    if (!sid) return null
    const search = (v: unknown): Record<string, unknown> | null => {
      if (!v || typeof v !== 'object') return null
      const o = v as Record<string, unknown>
      if (o.sid === sid) return o
      for (const child of Object.values(o)) {
        const hit = search(child)
        if (hit) return hit
      }
      return null
    }
    const owners = [rootNode(this.root), ...componentsUnder(rootNode(this.root))]
    for (const owner of owners) {
      const hit = search(this.weapp.exparser.Element.getMethodCaller(owner)?.data)
      if (hit) return hit
    }
    return null
  }

  /**
   * One attribute by its real name (Taro sends short keys: base.wxml's template maps `src="{{i.p4}}"`).
   * An <Input>'s template only picks `<nn>_focus` or `<nn>_blur`; both map the same keys.
   */
  attribute(selector: string, name: string): unknown {
    const node = this.attributes(selector)
    if (!node) return undefined
    const template = /<template name="tmpl_0_([^"]+)">\s*<[\w-]+([^>]*)>/g
    for (const [, nn, attrs] of BASE_WXML().matchAll(template)) {
      if (nn !== String(node.nn) && nn !== `${String(node.nn)}_blur`) continue
      const key = new RegExp(`\\s${name}="\\{\\{i\\.(\\w+)`).exec(attrs)?.[1]
      if (key) return node[key]
    }
    return undefined
  }

  /** Waits until `read` satisfies `ok` (Taro renders after React commits): never a blind sleep. */
  async until<T>(read: () => T, ok: (v: T) => boolean, what: string, ms = 5000): Promise<T> {
    const end = Date.now() + ms
    let last = read()
    while (!ok(last)) {
      if (Date.now() > end) throw new Error(`${this.route}: timed out waiting for ${what}; last: ${JSON.stringify(last)}`)
      await this.weapp.simulate.sleep(10)
      last = read()
    }
    return last
  }

  /** Waits for the node's text to contain (string) or match (RegExp) the expected text. */
  async waitForText(selector: string, expected: string | RegExp, ms?: number): Promise<string> {
    const matches = (t: string | null) => t !== null && (typeof expected === 'string' ? t.includes(expected) : expected.test(t))
    return (await this.until(() => this.text(selector), matches, `${selector} to show ${String(expected)}`, ms)) as string
  }

  /** Waits for a node to be rendered and returns it. */
  async waitFor(selector: string, ms?: number): Promise<WxNode> {
    return (await this.until(
      () => this.find(selector),
      n => n !== null,
      `${selector}`,
      ms,
    )) as WxNode
  }

  /** Fires a WeChat event on the node, as the framework delivers it to Taro's `eh` handler. */
  fire(selector: string, type: string, detail: Record<string, unknown> = {}): void {
    const node = this.find(selector)
    if (!node) throw new Error(`${this.route}: no ${selector} to fire ${type} on`)
    const { exparser } = this.weapp
    exparser.Event.dispatchEvent(node, exparser.Event.create(type, detail, { bubbles: true, capturePhase: true, composed: true, extraFields: { touches: {}, changedTouches: {} } }))
  }

  tap(selector: string): void {
    this.fire(selector, 'tap', { x: 0, y: 0 })
  }

  /** Types into an <Input>/<Textarea> (WeChat's input event data). */
  input(selector: string, value: string): void {
    this.fire(selector, 'input', { value, cursor: value.length, keyCode: 0 })
  }

  /** The Canvas 2D stand-in a page drew on (found by its selector query), if any. */
  canvas(selector: string): CanvasStandIn | undefined {
    const node = this.find(selector)
    return node ? (this.weapp.wx.__canvasOf as (n: unknown) => CanvasStandIn | undefined)(node) : undefined
  }

  /** Unloads the page (onUnload) and takes it off the stack. */
  close(): void {
    this.root.instance.onUnload?.()
    this.weapp.stack.splice(this.weapp.stack.indexOf(this), 1)
    this.root.detach()
  }
}

/** The loaded mini-program: one per test file (app.js runs once, as in WeChat). */
export interface Weapp {
  backend: Backend
  rec: Recorders
  stack: OpenedPage[]
  consoleErrors: string[]
  simulate: Simulate
  exparser: any
  wx: Record<string, unknown>
  /** Opens a page (route as in app.json, query as its options) and runs onLoad → onShow → onReady. */
  open(route: string, query?: Record<string, string>): Promise<OpenedPage>
  /** Shows the page again (onShow), as when coming back to it. */
  show(page: OpenedPage): void
}

const g = global as any

/**
 * Loads the mini-program once for the test file. `handlers` answer the cloud calls (add more per test
 * with `weapp.backend.answer`). console.error is recorded (and still printed) for the smoke test.
 */
export function loadWeapp(handlers: Handlers): Weapp {
  const consoleErrors: string[] = []
  const printError = console.error.bind(console)
  console.error = (...args: unknown[]) => {
    consoleErrors.push(args.map(a => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    printError(...args)
  }

  const simulate: Simulate = require('miniprogram-simulate')
  const exparser = require('miniprogram-exparser')
  const backend = new Backend(handlers)
  const rec = newRecorders()
  const stack: OpenedPage[] = []
  const top = () => stack[stack.length - 1]
  Object.assign(
    g.wx,
    wxAdditions(backend, rec, selector => top()?.find(selector) ?? null),
  )

  // App/getApp/getCurrentPages; Page options become a component definition (functions as methods)
  let app: Record<string, any> = {}
  g.App = (options: Record<string, any>) => void (app = options)
  g.getApp = () => app
  g.getCurrentPages = () => stack.map(p => p.root.instance)
  g.Page = (options: Record<string, unknown>) => {
    const methods = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'function'))
    g.Component({ data: options.data ?? {}, methods })
  }

  require(path.join(WEAPP_DIR, 'app.js'))
  app.onLaunch?.call(app, { path: 'pages/index/index', query: {}, scene: 1001 })
  app.onShow?.call(app, { path: 'pages/index/index', query: {}, scene: 1001 })

  const loaded = new Map<string, string>()
  const weapp: Weapp = {
    backend,
    rec,
    stack,
    consoleErrors,
    simulate,
    exparser,
    wx: g.wx,
    async open(route, query = {}) {
      // a page's chunk runs once (webpack's registry), so its component is loaded once and rendered per open
      if (!loaded.has(route)) loaded.set(route, simulate.load(path.join(WEAPP_DIR, route), `page-${route.replace(/\W/g, '-')}`, { compiler: 'official', rootPath: WEAPP_DIR }))
      const root = simulate.render(loaded.get(route)!)
      root.attach(document.createElement('page-wrapper'))
      const page = new OpenedPage(route, root, weapp)
      const instance = root.instance
      instance.route = instance.__route__ = route
      instance.options = query
      stack.push(page)
      instance.onLoad(query)
      instance.onShow()
      instance.onReady()
      return page
    },
    show(page) {
      page.root.instance.onShow()
    },
  }
  return weapp
}
