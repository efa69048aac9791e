/**
 * The storage semantics without HTTP or disk: cloud path validation, fileIDs, private folders and
 * signed links on a clock the test moves, uploads tokens and deletes, over an in-memory FileStore.
 */
import { createHash } from 'crypto'
import type { Readable } from 'stream'
import { BUCKET, cloudPathProblem, fileIdFor, isPrivatePath, parseFileId, PRIVATE_LINK_MAX_SECONDS } from '../../emulator/storage/paths'
import { createStorageSemantics, type FileStore } from '../../emulator/storage/semantics'
import type { ObjectMeta } from '../../emulator/storage/store'

function memoryStore(): FileStore {
  const objects = new Map<string, ObjectMeta>()
  return {
    get: (bucket, key) => objects.get(`${bucket}/${key}`) ?? null,
    async put(bucket, key, fileID, source: Buffer | Readable, contentType) {
      const bytes = Buffer.isBuffer(source) ? source : Buffer.alloc(0)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const meta = { fileID, bucket, path: key, blob: `${sha256}.bin`, size: bytes.length, contentType, sha256, uploadedAt: '2026-03-10T00:00:00Z' }
      objects.set(`${bucket}/${key}`, meta)
      return meta
    },
    delete: async (bucket, key) => objects.delete(`${bucket}/${key}`),
    blobPath: meta => `/nowhere/${meta.blob}`,
    idle: async () => undefined,
  }
}

let clock: number
const setup = () => createStorageSemantics({ store: memoryStore(), now: () => clock, secret: Buffer.alloc(32, 7) })

beforeEach(() => {
  clock = Date.parse('2026-03-10T02:00:00Z')
})

describe('cloud paths', () => {
  test.each([
    ['', 'cloudPath must be a non-empty string'],
    [42, 'cloudPath must be a non-empty string'],
    ['/abs.png', 'cloudPath must not start with "/"'],
    ['a/../b.png', 'cloudPath must not contain ".." (path traversal)'],
    ['a//b.png', 'cloudPath must not contain empty or "." segments'],
    ['a/./b.png', 'cloudPath must not contain empty or "." segments'],
    ['a/', 'cloudPath must not contain empty or "." segments'],
    ['a\\b.png', 'cloudPath must not contain \\ ? # or %'],
    ['a?b.png', 'cloudPath must not contain \\ ? # or %'],
    ['a%20b.png', 'cloudPath must not contain \\ ? # or %'],
    ['a\nb.png', 'cloudPath must not contain control characters'],
    ['x'.repeat(851), 'cloudPath is longer than 850 bytes'],
  ])('%j is refused: %s', (p, problem) => {
    expect(cloudPathProblem(p)).toBe(problem)
  })

  test('ordinary paths, unicode and spaces included, are accepted', () => {
    for (const p of ['a.png', 'avatars/o_1/头像 1.png', 'x'.repeat(850)]) expect(cloudPathProblem(p)).toBeNull()
  })

  test('a fileID round-trips to its path, and one naming an invalid path is no fileID', () => {
    expect(parseFileId(fileIdFor('a/b.png'))).toEqual({ env: 'local', bucket: BUCKET, path: 'a/b.png' })
    expect(parseFileId(`cloud://local.${BUCKET}/a/../b.png`)).toBeNull()
    expect(parseFileId('https://example.com/a.png')).toBeNull()
  })

  test('an invalid path gets no upload token', () => {
    expect(setup().prepareUpload('../etc/passwd')).toEqual({ problem: 'cloudPath must not contain ".." (path traversal)' })
  })
})

describe('private folders', () => {
  test('only paths under a private prefix are private', () => {
    expect(isPrivatePath('exports/o_boss/x.csv')).toBe(true)
    expect(isPrivatePath('exportsx/x.csv')).toBe(false)
    expect(isPrivatePath('avatars/exports/x.csv')).toBe(false)
  })

  test('a public file reads without a signature and its link keeps the asked max age', async () => {
    const storage = setup()
    const meta = await storage.save('avatars/a.png', Buffer.from('a'))
    expect(storage.readAccess(meta, null, null)).toBe('public')
    expect(storage.downloadLink(meta.fileID, 86_400)).toEqual({ code: 'SUCCESS', path: 'avatars/a.png', maxAge: 86_400 })
  })

  test('a private file reads only with its own signature', async () => {
    const storage = setup()
    const mine = await storage.save('exports/o_boss/a.csv', Buffer.from('a'))
    const other = await storage.save('exports/o_boss/b.csv', Buffer.from('b'))
    const link = storage.downloadLink(mine.fileID, 120)
    if (link.code !== 'SUCCESS' || !link.signature) throw new Error('expected a signed link')
    const { expires, sign } = link.signature
    expect(storage.readAccess(mine, null, null)).toBe('denied')
    expect(storage.readAccess(mine, String(expires), sign)).toBe('signed')
    expect(storage.readAccess(other, String(expires), sign)).toBe('denied')
    expect(storage.readAccess(mine, String(expires + 1), sign)).toBe('denied')
    const tampered = `${sign.slice(0, -1)}${sign.endsWith('A') ? 'B' : 'A'}`
    expect(storage.readAccess(mine, String(expires), tampered)).toBe('denied')
  })

  test('an upload token does not open a download', async () => {
    const storage = setup()
    const meta = await storage.save('exports/o_boss/a.csv', Buffer.from('a'))
    const ticket = storage.prepareUpload(meta.path)
    if (ticket.problem !== null) throw new Error(ticket.problem)
    const [expires, sign] = ticket.token.split('.')
    clock = Number(expires) - 60_000 // inside the window a download link may have
    expect(storage.readAccess(meta, expires, sign)).toBe('denied')
  })
})

describe('signed links on the injected clock', () => {
  test('a link lives max_age seconds and not a millisecond more', async () => {
    const storage = setup()
    const meta = await storage.save('exports/o_boss/a.csv', Buffer.from('a'))
    const link = storage.downloadLink(meta.fileID, 120)
    if (link.code !== 'SUCCESS' || !link.signature) throw new Error('expected a signed link')
    expect(link.maxAge).toBe(120)
    expect(link.signature.expires).toBe(clock + 120_000)
    const read = () => storage.readAccess(meta, String(link.signature!.expires), link.signature!.sign)
    clock += 120_000
    expect(read()).toBe('signed')
    clock += 1
    expect(read()).toBe('denied')
  })

  test('max_age is cut to PRIVATE_LINK_MAX_SECONDS and rounded down to at least a second', async () => {
    const storage = setup()
    const { fileID } = await storage.save('exports/o_boss/a.csv', Buffer.from('a'))
    expect(storage.downloadLink(fileID, 3600)).toMatchObject({ maxAge: PRIVATE_LINK_MAX_SECONDS, signature: { expires: clock + PRIVATE_LINK_MAX_SECONDS * 1000 } })
    expect(storage.downloadLink(fileID, 0.5)).toMatchObject({ maxAge: 1, signature: { expires: clock + 1000 } })
  })

  test('a link made valid for longer than a link may be is refused, even correctly signed', async () => {
    const storage = setup()
    const meta = await storage.save('exports/o_boss/a.csv', Buffer.from('a'))
    const link = storage.downloadLink(meta.fileID, PRIVATE_LINK_MAX_SECONDS)
    if (link.code !== 'SUCCESS' || !link.signature) throw new Error('expected a signed link')
    clock -= 1 // the same link now reaches 1 ms past the limit
    expect(storage.readAccess(meta, String(link.signature.expires), link.signature.sign)).toBe('denied')
  })

  test('an upload token lets the path through for 15 minutes of the clock, and no other path', () => {
    const storage = setup()
    const ticket = storage.prepareUpload('avatars/a.png')
    if (ticket.problem !== null) throw new Error(ticket.problem)
    expect(ticket.fileID).toBe(fileIdFor('avatars/a.png'))
    expect(storage.uploadAllowed('avatars/a.png', ticket.token)).toBe(true)
    expect(storage.uploadAllowed('avatars/b.png', ticket.token)).toBe(false)
    clock += 15 * 60 * 1000 + 1
    expect(storage.uploadAllowed('avatars/a.png', ticket.token)).toBe(false)
  })
})

describe('lookups and deletes', () => {
  test('missing and invalid fileIDs are told apart', async () => {
    const storage = setup()
    expect(storage.downloadLink('nonsense', 60)).toEqual({ code: 'INVALID_PARAM' })
    expect(storage.downloadLink(fileIdFor('none.png'), 60)).toEqual({ code: 'STORAGE_FILE_NONEXIST' })
    expect(await storage.remove('nonsense')).toBe('INVALID_PARAM')
    expect(await storage.remove(fileIdFor('none.png'))).toBe('STORAGE_FILE_NONEXIST')
  })

  test('a file in another bucket is not ours; a delete removes the object', async () => {
    const storage = setup()
    const { fileID } = await storage.save('a.png', Buffer.from('a'))
    expect(storage.lookup(fileID.replace(BUCKET, 'other-bucket'))).toBeNull()
    expect(await storage.remove(fileID)).toBe('SUCCESS')
    expect(storage.lookup(fileID)).toBeNull()
    expect(storage.object(BUCKET, 'a.png')).toBeNull()
  })

  test('save picks the content type from the extension when the claim is generic', async () => {
    const storage = setup()
    expect((await storage.save('r.csv', Buffer.from('a'), 'application/octet-stream')).contentType).toBe('text/csv; charset=utf-8')
    expect((await storage.save('r.bin', Buffer.from('a'), 'image/png')).contentType).toBe('image/png')
  })
})
