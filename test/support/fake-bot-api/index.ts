export { FakeBotApi } from './fake-bot-api';
export { ApiError } from './params';
export type * from './types';
