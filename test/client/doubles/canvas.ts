/**
 * jsdom has no 2D canvas: `installCanvas()` gives every <canvas> a recording context (fillStyle +
 * fillRect calls), the shape both weapp's Canvas 2D node and a browser canvas offer.
 */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
  fill: string
}

export interface RecordingContext {
  fillStyle: string
  rects: Rect[]
  fillRect(x: number, y: number, w: number, h: number): void
  clearRect(x: number, y: number, w: number, h: number): void
}

export function recordingContext(): RecordingContext {
  const ctx: RecordingContext = {
    fillStyle: '#000000',
    rects: [],
    fillRect(x, y, w, h) {
      ctx.rects.push({ x, y, w, h, fill: ctx.fillStyle })
    },
    clearRect() {
      ctx.rects = []
    },
  }
  return ctx
}

/** Installs recording contexts on HTMLCanvasElement (one per canvas element); returns a lookup and an uninstall. */
export function installCanvas() {
  const contexts = new Map<HTMLCanvasElement, RecordingContext>()
  const spy = jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement, type: string) {
    if (type !== '2d') return null
    let ctx = contexts.get(this)
    if (!ctx) {
      ctx = recordingContext()
      contexts.set(this, ctx)
    }
    return ctx as unknown as CanvasRenderingContext2D
  } as typeof HTMLCanvasElement.prototype.getContext)
  return {
    contextOf: (el: Element | null) => (el ? contexts.get(el as HTMLCanvasElement) : undefined),
    restore: () => spy.mockRestore(),
  }
}

/** Which modules a drawing made dark: samples the centre of every module cell. */
export function darkModules(rects: Rect[], size: number, cell: number, offset: number, dark = '#000000'): boolean[][] {
  const darkRects = rects.filter(r => r.fill === dark)
  const rows: boolean[][] = []
  for (let r = 0; r < size; r++) {
    const row: boolean[] = []
    for (let c = 0; c < size; c++) {
      const px = offset + c * cell + cell / 2
      const py = offset + r * cell + cell / 2
      row.push(darkRects.some(q => px >= q.x && px < q.x + q.w && py >= q.y && py < q.y + q.h))
    }
    rows.push(row)
  }
  return rows
}
