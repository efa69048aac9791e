/**
 * Test double for client/src/services/cloud.ts: every export a jest.fn, the function calls routed by
 * the test (backend.ts routeCalls). Each test file mocks the module with it:
 *   jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())
 * (jest.mock is hoisted above the imports, so the factory requires the double itself).
 */
export function cloudDouble(fileUrl: (fileId: string) => Promise<string> | undefined = () => undefined) {
  return {
    initCloud: jest.fn(),
    callFunction: jest.fn(),
    uploadFile: jest.fn(),
    fileUrl: jest.fn(fileUrl),
    needsSignIn: jest.fn(() => false),
    redirectToSignIn: jest.fn(),
  }
}
