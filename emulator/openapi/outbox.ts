/**
 * The durable outbox: every message a function "sends" through WeChat (e.g. subscribeMessage.send)
 * is one JSON line in `<dataDir>/openapi/outbox.jsonl`, appended and fsync'ed before the SDK gets
 * its `ok`. A torn last line (crash mid-write) is skipped on load and never glued to the next one.
 */
import { randomUUID } from 'crypto'
import fs from 'fs'
import path from 'path'
import { fsyncDir } from '../durable'

export interface OutboxMessage {
  id: string
  /** ISO time the emulator accepted the message. */
  at: string
  /** e.g. 'subscribeMessage.send' */
  api: string
  appid?: string
  /** The decoded request, e.g. { touser, templateId, page, data, miniprogramState, lang } */
  payload: unknown
  /** Who called, when the function runtime tells (see WX_API_TOKEN in the openapi service). */
  caller?: { openid?: string; function?: string }
}

export class Outbox {
  private readonly messages: OutboxMessage[] = []
  private handle: fs.promises.FileHandle | null = null
  private queue: Promise<unknown> = Promise.resolve()
  /** The file does not end with a newline (torn write): start the next append on a new line. */
  private needsNewline = false

  private constructor(readonly file: string) {}

  static load(dir: string): Outbox {
    fs.mkdirSync(dir, { recursive: true })
    const outbox = new Outbox(path.join(dir, 'outbox.jsonl'))
    if (fs.existsSync(outbox.file)) {
      const text = fs.readFileSync(outbox.file, 'utf8')
      outbox.needsNewline = text.length > 0 && !text.endsWith('\n')
      for (const line of text.split('\n')) {
        if (!line.trim()) continue
        try {
          const msg = JSON.parse(line) as OutboxMessage
          if (msg && typeof msg.id === 'string' && typeof msg.api === 'string') outbox.messages.push(msg)
        } catch {
          console.warn(`[openapi] skipping an unreadable outbox line in ${outbox.file}`)
        }
      }
    }
    return outbox
  }

  list(): OutboxMessage[] {
    return this.messages.map(m => ({ ...m }))
  }

  /** Resolves once the message is on disk. Appends are serialized, so the file order is the call order. */
  append(entry: Omit<OutboxMessage, 'id' | 'at'>): Promise<OutboxMessage> {
    const msg: OutboxMessage = { id: randomUUID(), at: new Date().toISOString(), ...entry }
    const run = this.queue.then(async () => {
      if (!this.handle) {
        const created = !fs.existsSync(this.file)
        this.handle = await fs.promises.open(this.file, 'a')
        if (created) await fsyncDir(path.dirname(this.file))
      }
      const line = `${this.needsNewline ? '\n' : ''}${JSON.stringify(msg)}\n`
      try {
        await this.handle.write(line)
        await this.handle.sync()
      } catch (err) {
        this.needsNewline = true // maybe half written: never glue the next line to it
        throw err
      }
      this.needsNewline = false
      this.messages.push(msg)
      return msg
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    await this.queue
    await this.handle?.close()
    this.handle = null
  }
}
