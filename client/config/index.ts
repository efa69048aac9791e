import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/**
 * Taro runs with cwd = client/ (see the build:* scripts), so this file is client/config/index.ts,
 * sources are client/src and env files client/.env*. Output goes to the repository's dist/:
 * dist/weapp (project.config.json at the repo root points WeChat DevTools there) and dist/h5.
 */
const platform = process.env.TARO_ENV === 'h5' ? 'h5' : 'weapp'

/** babel.config.js lives at the repository root: let babel-loader look upward from cwd for it. */
function useRootBabelConfig(chain: any) {
  chain.module
    .rule('script')
    .use('babelLoader')
    .tap((options: Record<string, unknown> = {}) => ({ ...options, rootMode: 'upward' }))
}

/**
 * H5 pages are lazy chunks, and Taro splits only the initial chunks (splitChunks.chunks 'initial'),
 * so every page chunk carried its own copy of what pages share (Taro's H5 components, the shared
 * client code): ~100 KB a page. Modules two or more pages use go into one shared async chunk instead.
 */
function sharePageModules(chain: any) {
  const splitChunks = chain.optimization.get('splitChunks')
  if (!splitChunks) return // component builds do not split
  chain.optimization.splitChunks({
    ...splitChunks,
    cacheGroups: { ...splitChunks.cacheGroups, sharedByPages: { name: 'pages-shared', chunks: 'async', minChunks: 2, priority: 5, reuseExistingChunk: true } },
  })
}

/**
 * Pure business rules the client runs too (e.g. domain/member-code.ts computes the member code on the
 * device) live outside client/src: let Taro's script rule compile them. Only `import type` from
 * types/ (its zod schemas stay out of the bundle).
 */
const sharedSources = [path.resolve(__dirname, '..', '..', 'domain')]

export default defineConfig<'webpack5'>(async merge => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'siyu-member',
    date: '2026-11-23',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `../dist/${platform}`,
    plugins: [],
    defineConstants: {},
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: sharedSources },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        useRootBabelConfig(chain)
      },
    },
    h5: {
      compile: { include: sharedSources },
      // hash router + relative public path: dist/h5/index.html works from any static server root
      router: { mode: 'hash' },
      publicPath: './',
      staticDirectory: 'static',
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        useRootBabelConfig(chain)
        sharePageModules(chain)
      },
    },
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
