/**
 * The part of wx-server-sdk this project uses, typed as it behaves at run time (promises).
 * The SDK's own index.d.ts types every call as `Promise<…> | void | string` (callback overloads),
 * which would force a cast at every call site.
 */
export type Doc = Record<string, any>

export interface WriteStats {
  stats: { updated: number; removed?: number; created?: number }
}

export interface Query<T = Doc> {
  where(condition: object): Query<T>
  orderBy(field: string, direction: 'asc' | 'desc'): Query<T>
  skip(n: number): Query<T>
  limit(n: number): Query<T>
  field(projection: Record<string, boolean | 0 | 1>): Query<T>
  get(): Promise<{ data: T[] }>
  count(): Promise<{ total: number }>
  update(options: { data: object }): Promise<WriteStats>
  remove(): Promise<{ stats: { removed: number } }>
}

export interface DocRef<T = Doc> {
  get(): Promise<{ data: T }>
  update(options: { data: object }): Promise<WriteStats>
  set(options: { data: object }): Promise<WriteStats & { _id: string }>
  remove(): Promise<{ stats: { removed: number } }>
}

export interface Collection<T = Doc> extends Query<T> {
  doc(id: string): DocRef<T>
  add(options: { data: object }): Promise<{ _id: string }>
  aggregate(): any
}

/** A collection inside a transaction: by id only (no queries). */
export interface TxCollection<T = Doc> {
  doc(id: string): DocRef<T>
  add(options: { data: object }): Promise<{ _id: string }>
}

export interface Transaction {
  collection<T = Doc>(name: string): TxCollection<T>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

export interface Database {
  collection<T = Doc>(name: string): Collection<T>
  command: any
  serverDate(options?: { offset: number }): unknown
  RegExp(options: { regexp: string; options?: string }): unknown
  createCollection(name: string): Promise<unknown>
  runTransaction<R>(fn: (transaction: Transaction) => Promise<R>, times?: number): Promise<R>
  startTransaction(): Promise<Transaction>
}

export interface Cloud {
  DYNAMIC_CURRENT_ENV: symbol
  init(config?: Record<string, unknown>): void
  database(): Database
  callFunction(options: { name: string; data?: unknown }): Promise<{ result: any; requestId?: string }>
  getWXContext(): { OPENID?: string; APPID?: string; UNIONID?: string; SOURCE?: string; ENV?: string }
  openapi: any
  uploadFile(options: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }>
  getTempFileURL(options: { fileList: string[] }): Promise<{ fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg?: string }> }>
  deleteFile(options: { fileList: string[] }): Promise<{ fileList: Array<{ fileID: string; status: number; errMsg?: string }> }>
  downloadFile(options: { fileID: string }): Promise<{ fileContent: Buffer }>
}
