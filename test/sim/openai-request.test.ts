import { describe, expect, it } from 'vitest';
import { ANSWER_JSON_SCHEMA } from '../../src/model/prompt.js';
import { readOpenAIRequest } from '../../src/sim/openai-request.js';

const messages = [
  { role: 'system', content: 'sys' },
  { role: 'user', content: [{ type: 'text', text: 'user text' }] },
];

describe('readOpenAIRequest', () => {
  it('reads the texts, the schema mode and the output cap', () => {
    const read = readOpenAIRequest({
      model: 'gpt-4o-mini',
      messages,
      max_completion_tokens: 100,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'tags', strict: true, schema: ANSWER_JSON_SCHEMA },
      },
    });
    expect(read).toEqual({
      model: 'gpt-4o-mini',
      systemText: 'sys',
      userText: 'user text',
      jsonMode: true,
      maxOutputTokens: 100,
    });
  });

  it('refuses an unknown parameter and a missing model', () => {
    expect(readOpenAIRequest({ model: 'm', messages, temprature: 1 })).toMatchObject({
      message: 'Unrecognized request argument supplied: temprature',
    });
    expect(readOpenAIRequest({ messages })).toMatchObject({ message: 'you must provide a model parameter' });
  });

  it('names the property strict mode finds missing from required, with its context', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['pages'],
      properties: {
        pages: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id: {}, tags: {} },
          },
        },
      },
    };
    const read = readOpenAIRequest({
      model: 'm',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'tags', strict: true, schema } },
    });
    expect(read).toMatchObject({
      param: 'response_format',
      message: expect.stringContaining("In context=('properties', 'pages', 'items'), 'required'") as unknown,
    });
    expect((read as { message: string }).message).toContain("Missing 'tags'.");
  });
});
