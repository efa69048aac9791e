/** Node tests (emulator, functions, e2e), jsdom tests (client components) and the weapp build's pages in one run. */
const tsJest = ['ts-jest', { tsconfig: { jsx: 'react-jsx', esModuleInterop: true, isolatedModules: true } }]
module.exports = {
  // a shared 2-core machine: generous per-test limits; speed targets live in benchmarks
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      testMatch: ['<rootDir>/test/{emulator,functions,domain,e2e,scripts}/**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
    },
    {
      displayName: 'client',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/client/**/*.test.tsx'],
      setupFilesAfterEnv: ['<rootDir>/test/client/setup.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper: {
        '^@tarojs/taro$': '<rootDir>/test/client/doubles/taro.ts',
        '^@tarojs/components$': '<rootDir>/test/client/doubles/components.tsx',
        '\\.(css)$': '<rootDir>/test/client/doubles/style.ts',
      },
    },
    {
      // the weapp build (dist/weapp, rebuilt when stale) rendered by WeChat's template compiler and exparser
      displayName: 'weapp',
      testEnvironment: 'jsdom',
      globalSetup: '<rootDir>/test/weapp/global-setup.ts',
      testMatch: ['<rootDir>/test/weapp/**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
    },
  ],
}
