/**
 * What storage means, without HTTP: which paths may be written, what a fileID names, who may read
 * a file, and the objects themselves (behind FileStore, so tests can keep them in memory).
 *
 * Private folders (`PRIVATE_PREFIXES`, e.g. `exports/`, where the console's CSV exports go) are what
 * a bucket with the rule "仅创建者及管理员可读" is on CloudBase: the plain URL is refused, and a
 * temporary link is signed and valid for `max_age` seconds, at most PRIVATE_LINK_MAX_SECONDS (a longer
 * or missing max_age is cut to it).
 */
import { randomBytes } from 'crypto'
import type { Readable } from 'stream'
import { createLinkSigner, type LinkSignature } from './links'
import { BUCKET, cloudPathProblem, contentTypeFor, fileIdFor, isPrivatePath, parseFileId, privateLinkSeconds } from './paths'
import type { ObjectMeta } from './store'

/** The object store the semantics need (ObjectStore on disk; a Map in tests). */
export interface FileStore {
  get(bucket: string, key: string): ObjectMeta | null
  put(bucket: string, key: string, fileID: string, source: Buffer | Readable, contentType: string): Promise<ObjectMeta>
  delete(bucket: string, key: string): Promise<boolean>
  /** where the object's bytes are on disk, to stream them */
  blobPath(meta: ObjectMeta): string
  idle(): Promise<void>
}

export interface StorageSemanticsOptions {
  store: FileStore
  /** ms since the epoch; links and upload tokens expire by it */
  now: () => number
  /** signs links and tokens; default 32 random bytes (a restart ends them all) */
  secret?: Buffer
}

export type UploadTicket = { problem: string } | { problem: null; path: string; fileID: string; token: string }

export type DownloadLink =
  | { code: 'INVALID_PARAM' | 'STORAGE_FILE_NONEXIST' }
  /** `signature` only for a private file; `maxAge` is what the link is good for */
  | { code: 'SUCCESS'; path: string; maxAge: number; signature?: LinkSignature }

export type DeleteOutcome = 'SUCCESS' | 'INVALID_PARAM' | 'STORAGE_FILE_NONEXIST'

/** May this GET read the object: yes for anyone, yes with its valid signature (a private file), or no. */
export type ReadAccess = 'public' | 'signed' | 'denied'

export function createStorageSemantics({ store, now, secret = randomBytes(32) }: StorageSemanticsOptions) {
  const links = createLinkSigner(secret, now)

  /** The stored object a fileID names (any env prefix, our bucket), or null. */
  const lookup = (fileID: unknown): ObjectMeta | null => {
    const parsed = parseFileId(fileID)
    return parsed && parsed.bucket === BUCKET ? store.get(BUCKET, parsed.path) : null
  }

  return {
    lookup,

    /** The object at a bucket and (decoded) path, or null when the path is invalid or nothing is there. */
    object(bucket: string, cloudPath: string): ObjectMeta | null {
      return !cloudPathProblem(cloudPath) && bucket === BUCKET ? store.get(BUCKET, cloudPath) : null
    },

    /** Lets one upload of a valid path through (see links.uploadToken). */
    prepareUpload(cloudPath: unknown): UploadTicket {
      const problem = cloudPathProblem(cloudPath)
      if (problem) return { problem }
      const p = cloudPath as string
      return { problem: null, path: p, fileID: fileIdFor(p), token: links.uploadToken(p) }
    },

    uploadAllowed: (cloudPath: string, token: string): boolean => links.uploadTokenValid(cloudPath, token),

    /** Stores bytes at a path the caller has validated; enforces the size limit as they arrive. */
    save(cloudPath: string, source: Buffer | Readable, claimedType?: string): Promise<ObjectMeta> {
      return store.put(BUCKET, cloudPath, fileIdFor(cloudPath), source, contentTypeFor(cloudPath, claimedType))
    },

    /** A temporary link for a fileID, `maxAge` seconds asked: private files get a short signed one. */
    downloadLink(fileID: unknown, maxAge: number): DownloadLink {
      if (!parseFileId(fileID)) return { code: 'INVALID_PARAM' }
      const meta = lookup(fileID)
      if (!meta) return { code: 'STORAGE_FILE_NONEXIST' }
      if (!isPrivatePath(meta.path)) return { code: 'SUCCESS', path: meta.path, maxAge }
      const seconds = privateLinkSeconds(maxAge)
      return { code: 'SUCCESS', path: meta.path, maxAge: seconds, signature: links.signDownload(meta.path, seconds) }
    },

    readAccess(meta: ObjectMeta, expires: string | null, sign: string | null): ReadAccess {
      if (!isPrivatePath(meta.path)) return 'public'
      return links.downloadAllowed(meta.path, expires, sign) ? 'signed' : 'denied'
    },

    async remove(fileID: unknown): Promise<DeleteOutcome> {
      const parsed = parseFileId(fileID)
      if (!parsed) return 'INVALID_PARAM'
      const deleted = parsed.bucket === BUCKET && (await store.delete(BUCKET, parsed.path))
      return deleted ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST'
    },

    blobPath: (meta: ObjectMeta): string => store.blobPath(meta),
    idle: () => store.idle(),
  }
}

export type StorageSemantics = ReturnType<typeof createStorageSemantics>
