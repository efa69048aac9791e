/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'

declare namespace NodeJS {
  interface ProcessEnv {
    /** Set by the Taro CLI from `--type` and inlined at build time. */
    TARO_ENV?: 'weapp' | 'h5' | 'swan' | 'alipay' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    /** client/.env: CloudBase environment id for Taro.cloud.init (empty = default environment). */
    TARO_APP_CLOUD_ENV?: string
    /** client/.env: path of the H5 gateway on the same origin (default /gateway). */
    TARO_APP_GATEWAY?: string
  }
}
