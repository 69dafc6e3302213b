import { describe, expect, it } from 'vitest';
import { ConfigError } from '../protocol/index.ts';
import { loadServerConfig } from './config.ts';

const BASE = { RUNNER_TOKEN: 'a-runner-token-of-16+' };

describe('server config', () => {
  it('has no model without a key or an endpoint', () => {
    expect(loadServerConfig(BASE).llm).toBeUndefined();
  });

  it('uses the Responses API on OpenAI and Chat Completions on other servers, one model for every role unless told', () => {
    expect(loadServerConfig({ ...BASE, OPENAI_API_KEY: 'sk-test' }).llm).toMatchObject({
      api: 'responses',
      chatModel: 'gpt-4.1-mini',
      plannerModel: 'gpt-4.1-mini',
      browserModel: 'gpt-4.1-mini',
    });
    expect(loadServerConfig({ ...BASE, LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3.1', LLM_PLANNER_MODEL: 'qwen3' }).llm).toMatchObject({
      api: 'chat',
      chatModel: 'llama3.1',
      plannerModel: 'qwen3',
      browserModel: 'llama3.1',
    });
  });

  it('reads images and repairs two times by default on OpenAI, not images on other servers, unless told', () => {
    const local = { ...BASE, LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llava' };
    expect(loadServerConfig({ ...BASE, OPENAI_API_KEY: 'k' }).llm).toMatchObject({ images: true, repairMaxAttempts: 2 });
    expect(loadServerConfig(local).llm).toMatchObject({ images: false });
    expect(loadServerConfig({ ...local, LLM_IMAGES: 'yes', REPAIR_MAX_ATTEMPTS: '0' }).llm).toMatchObject({ images: true, repairMaxAttempts: 0 });
    expect(loadServerConfig({ ...BASE, AI_STEP_TIMEOUT_MS: '90000' }).aiStepTimeoutMs).toBe(90_000);
    expect(() => loadServerConfig({ ...local, LLM_IMAGES: 'maybe' })).toThrow(/LLM_IMAGES/);
  });

  it('reads a price table and names what is wrong with a bad one', () => {
    expect(loadServerConfig({ ...BASE, OPENAI_API_KEY: 'k', LLM_PRICES: '{"llama3.1":{"input":0,"output":0}}' }).llm?.prices).toEqual({
      'llama3.1': { input: 0, output: 0 },
    });
    for (const prices of ['{not json', '{"m":{"input":-1,"output":0}}', '[1]']) {
      const error = (() => {
        try {
          loadServerConfig({ ...BASE, OPENAI_API_KEY: 'k', LLM_PRICES: prices });
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(ConfigError.isInstance(error) && error.message).toContain('LLM_PRICES');
    }
  });

  it('asks for the model name with a custom endpoint', () => {
    expect(() => loadServerConfig({ ...BASE, LLM_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(/LLM_MODEL/);
  });

  it('keeps saved sessions 30 days with a key from DATA_DIR unless told, and wants a long secret', () => {
    expect(loadServerConfig(BASE)).toMatchObject({ sessionTtlDays: 30 });
    expect(loadServerConfig(BASE).sessionSecret).toBeUndefined();
    expect(loadServerConfig({ ...BASE, SESSION_SECRET: 's'.repeat(32), SESSION_TTL_DAYS: '7' })).toMatchObject({ sessionSecret: 's'.repeat(32), sessionTtlDays: 7 });
    expect(loadServerConfig({ ...BASE, SESSION_SECRET: '' }).sessionSecret).toBeUndefined();
    expect(() => loadServerConfig({ ...BASE, SESSION_SECRET: 'too-short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
    expect(() => loadServerConfig({ ...BASE, SESSION_TTL_DAYS: '366' })).toThrow(/SESSION_TTL_DAYS/);
    expect(() => loadServerConfig({ ...BASE, SESSION_TTL_DAYS: '0' })).toThrow(/SESSION_TTL_DAYS/);
  });

  it('has no Slack endpoint without a signing secret, and refuses one too short to be Slack\'s', () => {
    expect(loadServerConfig(BASE).slackSigningSecret).toBeUndefined();
    expect(loadServerConfig({ ...BASE, SLACK_SIGNING_SECRET: '' }).slackSigningSecret).toBeUndefined();
    expect(loadServerConfig({ ...BASE, SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5' }).slackSigningSecret).toBe('8f742231b10e8888abcd99yyyzzz85a5');
    expect(() => loadServerConfig({ ...BASE, SLACK_SIGNING_SECRET: 'short' })).toThrow(/SLACK_SIGNING_SECRET: is too short/);
  });
  it('keeps schedules a minute apart, 50 a person, checked every 5 seconds, unless told in words or milliseconds', () => {
    expect(loadServerConfig(BASE)).toMatchObject({ scheduleMinIntervalMs: 60_000, scheduleMaxPerUser: 50, scheduleProcessEveryMs: 5_000 });
    expect(loadServerConfig({ ...BASE, SCHEDULE_MIN_INTERVAL: '1 second', SCHEDULE_MAX_PER_USER: '3', SCHEDULE_PROCESS_EVERY: '500ms' })).toMatchObject({
      scheduleMinIntervalMs: 1_000,
      scheduleMaxPerUser: 3,
      scheduleProcessEveryMs: 500,
    });
    expect(loadServerConfig({ ...BASE, SCHEDULE_MIN_INTERVAL: '15 minutes', SCHEDULE_PROCESS_EVERY: '2000' })).toMatchObject({ scheduleMinIntervalMs: 900_000, scheduleProcessEveryMs: 2_000 });
    expect(loadServerConfig({ ...BASE, SCHEDULE_MIN_INTERVAL: '1.5 h' }).scheduleMinIntervalMs).toBe(5_400_000);
    expect(() => loadServerConfig({ ...BASE, SCHEDULE_MIN_INTERVAL: 'often' })).toThrow(/SCHEDULE_MIN_INTERVAL: is not a duration/);
    expect(() => loadServerConfig({ ...BASE, SCHEDULE_MIN_INTERVAL: '10 ms' })).toThrow(/SCHEDULE_MIN_INTERVAL: must be from 1 second to 1 day, not 10 ms/);
    expect(() => loadServerConfig({ ...BASE, SCHEDULE_PROCESS_EVERY: '1 hour' })).toThrow(/SCHEDULE_PROCESS_EVERY: must be from 100 ms to 5 minutes/);
    expect(() => loadServerConfig({ ...BASE, SCHEDULE_MAX_PER_USER: '0' })).toThrow(/SCHEDULE_MAX_PER_USER/);
  });
});
