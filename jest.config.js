/** Node tests (emulator, functions, e2e) and jsdom tests (client components) in one run. */
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
  ],
}
